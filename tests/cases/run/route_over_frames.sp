# scene: scenes/handmade.json
# expect: turn left 90 degrees, go forward 2.0 meters
# how: frame 0 -> 1 turns left 90 degrees in place, 1 -> 2 goes 2 m forward
answer route(frame(0), frame(2))
