# scene: scenes/handmade.json
# expect: rejected [Borderline] at 4:8: two members have equal sort keys
# how: both chairs are 0.9 m tall: their order is undefined
answer sort("Chair", o => o.height)
