# scene: scenes/handmade.json
# expect: rejected [Borderline] at 8:8: the direction is on (or within the margin of) a sector boundary
# how: the bearing -123.69 degrees is 33.69 degrees from the quarter boundary -90: within a 35
#   degree margin (not within the default 0)
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer direction(a, table, the("Fridge"), margin=35deg)
