# scene: scenes/handmade.json
# expect: Mug
# how: the mug's parent is the table; nothing else names it
answer labels(children(the("DiningTable")))
