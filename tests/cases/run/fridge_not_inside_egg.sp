# scene: scenes/handmade.json
# expect: no
# how: the fridge is far larger than the egg
answer inside(the("Fridge"), the("Egg"))
