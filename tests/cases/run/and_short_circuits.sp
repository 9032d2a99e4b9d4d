# scene: scenes/handmade.json
# expect: no
# how: no object is a sofa, so the right side (an ambiguous the) is never evaluated
let sofa = "Sofa"
answer exists(sofa) and the("Chair").height > 1m
