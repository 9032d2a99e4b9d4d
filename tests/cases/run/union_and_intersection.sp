# scene: scenes/handmade.json
# expect: 4
# how: {chair_a, chair_b, lamp} has 3 members; Chair and "red chair" share chair_a: 3 + 1
answer count(union("Chair", "Lamp")) + count(intersect("Chair", "red chair"))
