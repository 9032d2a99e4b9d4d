# scene: scenes/handmade.json
# expect: red chair
# how: gaps to the table: chair_a 0.75 m, chair_b 1.75 m; an Object answer prints its label
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer argmin("Chair", o => gap(o, table))
