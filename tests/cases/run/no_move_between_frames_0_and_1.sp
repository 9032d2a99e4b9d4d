# scene: scenes/handmade.json
# expect: 0 m
# how: frames 0 and 1 share the position (0.5, 4, 1.5)
answer norm(move(frame(0), frame(1)))
