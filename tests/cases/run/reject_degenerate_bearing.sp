# scene: scenes/handmade.json
# expect: rejected [Degenerate] at 4:8: a direction is undefined: two points coincide
# how: the mug and the table share the centre (5, 4) in plan: facing has no direction
answer bearing(the("Mug"), the("DiningTable"), the("red chair"))
