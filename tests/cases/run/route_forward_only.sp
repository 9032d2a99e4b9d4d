# scene: scenes/handmade.json
# expect: go forward 2.0 meters
# how: frame 1 -> 2: 2 m along +y, the way both look
answer route(frame(1), frame(2))
