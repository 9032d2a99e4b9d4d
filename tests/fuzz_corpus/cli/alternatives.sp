# issue 14: verify printed "type_fit: pass - a yesno question answers Str"
question "Is the mug nearer to the fridge or to the dining table?"
let m = the("Mug")
answer if distance(m, the("Fridge")) < distance(m, the("DiningTable")) then "fridge" else "dining table"
