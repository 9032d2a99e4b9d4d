# scene: scenes/handmade.json
# expect: rejected [EmptySet] at 4:8: index 2 is out of range of a list of 2
# how: a list of two has indexes 0 and 1 (and -1, -2)
answer [1, 2][2]
