# scene: scenes/handmade.json
# expect: 4
# how: 123.69 degrees to the right is 123.69 / 30 = 4.12 hours: 4 o'clock
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer clock(a, table, the("Fridge"))
