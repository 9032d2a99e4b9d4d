# scene: ithor:FloorPlan1
# expect: 4
# how: the metadata lists four StoveBurner objects
answer count("StoveBurner")
