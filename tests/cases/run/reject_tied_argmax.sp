# scene: scenes/handmade.json
# expect: rejected [Borderline] at 4:8: two members tie for the extreme key
# how: both chairs are 0.9 m tall: the maximum is shared
answer argmax("Chair", o => o.height)
