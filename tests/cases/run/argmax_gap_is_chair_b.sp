# scene: scenes/handmade.json
# expect: chair_b
# how: gaps to the table: chair_a 0.75 m, chair_b 1.75 m
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer argmax("Chair", o => gap(o, table)).id
