# scene: scenes/handmade.json
# expect: 2 m
# how: frames 0 and 1 share a position; frame 2 is 2 m further
answer travel(frame(0), frame(2))
