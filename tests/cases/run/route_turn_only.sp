# scene: scenes/handmade.json
# expect: turn left 90 degrees
# how: frame 0 looks +x, frame 1 +y from the same place
answer route(frame(0), frame(1))
