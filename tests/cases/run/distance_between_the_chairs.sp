# scene: scenes/handmade.json
# expect: 5
# how: the chairs' centres (3, 4, 0.45) and (8, 4, 0.45) lie 5 m apart along x
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer distance(a, the(b)) in m
