question "Several broken statements"
let a = the("Sink"
let b = = the("Fridge")
let c = 1 +* 2
answer distance(the("Sink"), the("Fridge")) ]
