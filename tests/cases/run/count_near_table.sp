# scene: scenes/handmade.json
# expect: 2
# how: near = gap <= 1 m: the mug (gap 0) and chair_a (0.75); the lamp (1.65), chair_b (1.75),
#   the fridge and egg (over 2.6 m) are farther
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer count(filter(objects, o => near(o, table)))
