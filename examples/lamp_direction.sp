# language.md §5 (directions): bearing, sectors and clock positions.
question "Sitting on the sofa and facing the TV, is the lamp to the left or to the right?"
let sofa = the("Sofa")
let tv = the("Television")
let lamp = the("Lamp")
assert abs(bearing(sofa, tv, lamp)) > 10deg else "the lamp is nearly straight ahead"
answer direction(sofa, tv, lamp, sectors=2, margin=5deg)
