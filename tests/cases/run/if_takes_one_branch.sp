# scene: scenes/handmade.json
# expect: none
# how: no sofa: the else branch; the ambiguous then-branch is never evaluated
let sofa = "Sofa"
answer if exists(sofa) then the("Chair").label else "none"
