# scene: scenes/handmade.json
# expect: rejected [Ambiguous] at 4:26: 2 objects match "Chair", expected one
# how: the lambda's body is ambiguous for every member; the first member decides
answer map(objects, o => the("Chair").height)
