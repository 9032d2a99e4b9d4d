# scene: scenes/handmade.json
# expect: Fridge
# how: the egg's parent is the fridge
answer labels(parents(the("Egg")))
