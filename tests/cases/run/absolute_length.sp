# scene: scenes/handmade.json
# expect: 2 m
# how: |-2 m| = 2 m
answer abs(-2m)
