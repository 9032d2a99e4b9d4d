# scene: scenes/handmade.json
# expect: 80
# how: the floor polygon is a 10 x 8 m rectangle
answer round(room.area in m2)
