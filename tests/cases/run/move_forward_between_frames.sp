# scene: scenes/handmade.json
# expect: 2 m
# how: frame 1 -> 2 moves 2 m along +y, frame 1's heading: 2 m forward
answer move(frame(1), frame(2)).x
