# scene: scenes/handmade.json
# expect: rejected [Borderline] at 4:8: two objects first appear in the same frame
# how: frame 1 is the first to see both the mug and the fridge
answer appearance_order([the("Mug"), the("Fridge")])
