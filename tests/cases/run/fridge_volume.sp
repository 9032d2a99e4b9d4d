# scene: scenes/handmade.json
# expect: 1.008
# how: 0.8 x 0.7 x 1.8 = 1.008 m3
answer round(the("Fridge").volume in m3, 3)
