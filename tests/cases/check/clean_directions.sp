question "Standing at the sofa facing the TV, where is the lamp?"
let sofa = the("Sofa")
let tv = the("Television")
let lamp = the("Lamp")
let b = bearing(sofa, tv, lamp)
assert abs(b) > 5deg else "the lamp is almost straight ahead"
let hour = clock(sofa, tv, lamp)
let coarse = direction(sofa, tv, lamp, sectors=2)
let fine = direction(sofa, tv, lamp, sectors=8, margin=2.5deg)
answer if hour == 12 then "ahead" else fine
