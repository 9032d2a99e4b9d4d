# scene: scenes/handmade.json
# expect: no
# how: the fridge (1, 1) lies behind chair_a, off the segment from (3, 4) to (8, 4)
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer between(the("Fridge"), a, the(b))
