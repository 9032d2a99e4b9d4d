# scene: scenes/handmade.json
# expect: right
# how: view_direction has 2 sectors by default: a negative bearing is right
answer view_direction(the("Fridge"), frame(0))
