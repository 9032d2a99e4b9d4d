# scene: scenes/handmade.json
# expect: 1.05 m
# how: camera y points down: chair_a's centre (z 0.45) is 1.5 - 0.45 = 1.05 m below the eye
answer to_camera(the("red chair"), frame(0)).y
