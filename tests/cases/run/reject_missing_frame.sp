# scene: scenes/handmade.json
# expect: rejected [NoFrames] at 4:8: there is no frame 3 (the scene has 3)
# how: the scene has frames 0, 1 and 2 only
answer frame(3).time
