# scene: scenes/handmade.json
# expect: 2
# how: two objects have the category Chair: chair_a (labelled "red chair") and chair_b
answer count("Chair")
