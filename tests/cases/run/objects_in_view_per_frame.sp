# scene: scenes/handmade.json
# expect: 4, 2, 1
# how: frame 0 sees table, both chairs and the lamp; frame 1 the mug and fridge; frame 2 the
#   mug
answer map(frames, f => count(in_view(f)))
