# scene: scenes/handmade.json
# expect: 12
# how: chair_b lies exactly ahead of chair_a facing the table: bearing 0 is 12 o'clock
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer clock(a, table, the(b))
