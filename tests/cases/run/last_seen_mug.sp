# scene: scenes/handmade.json
# expect: 2
# how: frames 1 and 2 see the mug; 2 is the last
answer last_seen(the("Mug"))
