# scene: scenes/handmade.json
# expect: rejected [EmptySet] at 5:8: the set is empty
# how: no object is a sofa: the set is empty
let sofa = "Sofa"
answer sum(sofa, o => o.height)
