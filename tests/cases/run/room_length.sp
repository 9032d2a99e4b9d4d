# scene: scenes/handmade.json
# expect: 10 m
# how: the floor's longer side is 10 m
answer room.length
