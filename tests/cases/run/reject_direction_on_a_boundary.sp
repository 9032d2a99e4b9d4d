# scene: scenes/handmade.json
# expect: rejected [Borderline] at 8:8: the direction is on (or within the margin of) a sector boundary
# how: chair_b lies exactly ahead of chair_a facing the table: bearing 0 is the boundary
#   between the 4-sector quarters front-right (-90, 0) and front-left (0, 90)
let table = the("DiningTable")
let a = the("red chair")
let b = minus("Chair", "red chair")
answer direction(a, table, the(b))
