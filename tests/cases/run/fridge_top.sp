# scene: scenes/handmade.json
# expect: 1.8 m
# how: the fridge stands on the floor (centre z 0.9, height 1.8): its top is at 1.8 m
answer the("Fridge").top
