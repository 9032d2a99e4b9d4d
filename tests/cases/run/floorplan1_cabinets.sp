# scene: ithor:FloorPlan1
# expect: 9
# how: the recorded metadata of FloorPlan1 (kitchens[0]) lists nine objects of objectType
#   Cabinet
answer count("Cabinet")
