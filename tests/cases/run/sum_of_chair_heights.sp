# scene: scenes/handmade.json
# expect: 1.8
# how: two chairs of 0.9 m
answer round(sum("Chair", o => o.height) in m, 2)
