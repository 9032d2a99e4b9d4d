# scene: scenes/handmade.json
# expect: Mug, red chair
# how: as count_near_table; labels in id order: mug, then chair_a
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer labels(filter(objects, o => near(o, table)))
