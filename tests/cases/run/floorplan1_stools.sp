# scene: ithor:FloorPlan1
# expect: 2
# how: the metadata lists two Stool objects
answer count("Stool")
