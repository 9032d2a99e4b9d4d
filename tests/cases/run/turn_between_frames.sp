# scene: scenes/handmade.json
# expect: 90 deg
# how: frame 0 looks +x, frame 1 +y: a left turn of 90 degrees
answer turn(frame(0), frame(1))
