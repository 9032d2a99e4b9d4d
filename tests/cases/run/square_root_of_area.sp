# scene: scenes/handmade.json
# expect: 8.94427190999916
# how: sqrt(80 m2) = 8.94427190999916 m (the shortest repr of the double nearest sqrt(80))
answer sqrt(room.area) in m
