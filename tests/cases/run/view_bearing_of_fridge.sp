# scene: scenes/handmade.json
# expect: -80.54 deg
# how: in frame 0 the fridge's centre is 3 m to the right (camera x) and 0.5 m ahead (camera
#   z): atan2(-3, 0.5) = -80.54 degrees
answer round(view_bearing(the("Fridge"), frame(0)), 2)
