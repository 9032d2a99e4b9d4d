# scene: scenes/handmade.json
# expect: 2.6043
# how: frame 0's camera at (0.5, 4, 1.5); the fridge box spans x 0.65..1.35, y 0.6..1.4, z
#   0..1.8: nearest point (0.65, 1.4, 1.5), sqrt(0.15^2 + 2.6^2) = 2.60432
answer round(camera_gap(the("Fridge"), frame(0)) in m, 4)
