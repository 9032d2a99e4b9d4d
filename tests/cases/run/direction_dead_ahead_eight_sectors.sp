# scene: scenes/handmade.json
# expect: front
# how: chair_b lies exactly ahead (bearing 0): inside the 8-sector front [-22.5, 22.5)
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer direction(a, table, the(b), sectors=8)
