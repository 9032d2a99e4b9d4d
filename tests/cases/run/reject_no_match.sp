# scene: scenes/handmade.json
# expect: rejected [NoMatch] at 5:8: no object matches sofa
# how: no object is called Sofa (a name in a variable is not checked against the scene)
let sofa = "Sofa"
answer the(sofa)
