# scene: scenes/handmade.json
# expect: no
# how: no object is a sofa; a name in a variable is not checked against the scene (a literal
#   "Sofa" would be the compile error E-SCENE-NAME)
let sofa = "Sofa"
answer exists(sofa)
