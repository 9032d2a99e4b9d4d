# scene: scenes/handmade.json
# expect: 70
# how: width is the local y extent, 0.7 m
answer the("Fridge").width in cm
