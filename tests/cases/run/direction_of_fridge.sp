# scene: scenes/handmade.json
# expect: back-right
# how: -123.69 degrees lies in the 4-sector quarter back-right (-180, -90)
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer direction(a, table, the("Fridge"))
