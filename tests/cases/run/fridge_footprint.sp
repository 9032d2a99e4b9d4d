# scene: scenes/handmade.json
# expect: 0.56
# how: 0.8 x 0.7 = 0.56 m2
answer round(the("Fridge").footprint in m2, 2)
