# scene: scenes/handmade.json
# expect: 8 m
# how: the floor's shorter side is 8 m
answer room.width
