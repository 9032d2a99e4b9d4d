# language.md §2 (expressions): `e in UNIT` turns a quantity into a plain number.
question "How far apart are the sink and the fridge, in centimeters?"
let a = the("Sink")
let b = the("Fridge")
answer round(distance(a, b) in cm)
