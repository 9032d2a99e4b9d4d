# scene: scenes/handmade.json
# expect: 90 deg
# how: the fridge is turned 90 degrees about z (quaternion (0, 0, sin 45, cos 45))
answer round(the("Fridge").yaw)
