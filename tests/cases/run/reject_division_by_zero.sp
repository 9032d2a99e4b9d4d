# scene: scenes/handmade.json
# expect: rejected [Degenerate] at 4:8: division by zero
# how: 1 / 0 is not a finite number
answer 1 / 0
