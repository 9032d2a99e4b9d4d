# scene: scenes/handmade.json
# expect: 3
# how: the scene records frames 0, 1 and 2
answer len(frames)
