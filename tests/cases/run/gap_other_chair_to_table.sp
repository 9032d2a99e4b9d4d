# scene: scenes/handmade.json
# expect: 1.75
# how: chair_b starts at x 7.75 and the table ends at x 6: 1.75 m
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer gap(the(b), table) in m
