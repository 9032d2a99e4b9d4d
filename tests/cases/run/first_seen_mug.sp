# scene: scenes/handmade.json
# expect: 1
# how: frames 1 and 2 see the mug, frame 0 does not
answer first_seen(the("Mug"))
