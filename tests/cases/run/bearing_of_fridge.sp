# scene: scenes/handmade.json
# expect: -123.69 deg
# how: at chair_a (3, 4) facing the table (+x), the fridge is at offset (-2, -3): atan2(-3, -2)
#   = -123.69 degrees (negative: to the right)
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer round(bearing(a, table, the("Fridge")), 2)
