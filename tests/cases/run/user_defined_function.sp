# scene: scenes/handmade.json
# expect: 1
# how: gaps to the table: chair_a 0.75 m < 0.8 m (the default), chair_b 1.75 m
def reach(a: Object, b: Object, limit: Length = 0.8m) -> Bool: gap(a, b) < limit
answer count(filter("Chair", c => reach(c, the("DiningTable"))))
