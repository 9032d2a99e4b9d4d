# scene: scenes/handmade.json
# expect: no
# how: chair_a (x 2.75..3.25) and the table (x 4..6) have disjoint footprints, and the chair is
#   not higher
answer above(the("red chair"), the("DiningTable"))
