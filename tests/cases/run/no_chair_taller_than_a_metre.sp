# scene: scenes/handmade.json
# expect: no
# how: both chairs are 0.9 m tall
answer any("Chair", o => o.height > 1m)
