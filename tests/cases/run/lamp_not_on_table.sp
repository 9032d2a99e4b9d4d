# scene: scenes/handmade.json
# expect: no
# how: the lamp's bottom is at 2.4 m, 1.65 m over the table's top: it hangs, it does not rest
answer on(the("Lamp"), the("DiningTable"))
