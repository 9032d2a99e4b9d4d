# scene: ithor:FloorPlan1
# expect: 1.97
# how: the one Fridge's recorded box spans y -0.0083..1.9585 (y is up there; it is turned 90
#   degrees about the vertical, so upright): 1.9668 m, 1.97 rounded
answer round(the("Fridge").height in m, 2)
