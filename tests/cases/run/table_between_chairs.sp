# scene: scenes/handmade.json
# expect: yes
# how: the table's centre (5, 4) is on the segment from chair_a (3, 4) to chair_b (8, 4), 2/5
#   of the way
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer between(table, a, the(b))
