# scene: scenes/handmade.json
# expect: back-right
# how: -123.69 degrees lies in the 8-sector back-right [-157.5, -112.5)
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer direction(a, table, the("Fridge"), sectors=8)
