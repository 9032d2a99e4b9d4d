# scene: scenes/handmade.json
# expect: right
# how: with two sectors a negative bearing is right
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer direction(a, table, the("Fridge"), sectors=2)
