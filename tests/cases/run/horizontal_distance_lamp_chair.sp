# scene: scenes/handmade.json
# expect: 2
# how: in plan the lamp is at (5, 4), chair_a at (3, 4): 2 m
answer round(horizontal_distance(the("Lamp"), the("red chair")) in m, 3)
