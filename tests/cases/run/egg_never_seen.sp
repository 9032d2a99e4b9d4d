# scene: scenes/handmade.json
# expect: no
# how: no frame records the egg as visible
answer seen(the("Egg"))
