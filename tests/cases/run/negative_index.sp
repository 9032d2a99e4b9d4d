# scene: scenes/handmade.json
# expect: 3
# how: index -1 is the last item
answer [1, 2, 3][-1]
