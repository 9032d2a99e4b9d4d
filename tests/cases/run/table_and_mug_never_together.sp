# scene: scenes/handmade.json
# expect: no
# how: frame 0 sees the table but not the mug; frames 1 and 2 the mug but not the table
answer co_visible(the("DiningTable"), the("Mug"))
