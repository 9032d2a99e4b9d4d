# scene: scenes/handmade.json
# expect: red chair, Chair
# how: from the fridge (1, 1): chair_a (3, 4) is sqrt(13) = 3.6 m, chair_b (8, 4) sqrt(58) =
#   7.6 m; chair_b has no label, so it prints as its category
answer sort("Chair", o => distance(o, the("Fridge")))
