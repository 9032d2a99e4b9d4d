# scene: scenes/handmade.json
# expect: rejected [Ambiguous] at 4:8: 2 objects match "Chair", expected one
# how: two chairs match, the() needs exactly one
answer the("Chair")
