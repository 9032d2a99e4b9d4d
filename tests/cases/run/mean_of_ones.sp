# scene: scenes/handmade.json
# expect: 1
# how: the mean of seven 1s
answer mean(objects, o => 1)
