# scene: scenes/handmade.json
# expect: 75
# how: chair_a spans x 2.75..3.25 and the table starts at x 4 (same y and z ranges overlap): 4
#   - 3.25 = 0.75 m
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer gap(a, table) in cm
