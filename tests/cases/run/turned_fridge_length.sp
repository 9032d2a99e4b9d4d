# scene: scenes/handmade.json
# expect: 80
# how: length is the box's local x extent, 0.8 m, whatever the turn
answer the("Fridge").length in cm
