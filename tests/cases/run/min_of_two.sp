# scene: scenes/handmade.json
# expect: 2
# how: 2 < 3.5 (an Int and a Number: a Number)
answer min(2, 3.5)
