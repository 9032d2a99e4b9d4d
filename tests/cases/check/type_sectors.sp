let sofa = the("Sofa")
let tv = the("Television")
let lamp = the("Lamp")
let a = direction(sofa, tv, lamp, sectors=3)
let n = 4
let b = direction(sofa, tv, lamp, sectors=n)
answer view_direction(lamp, frame(0), sectors=8, margin=5)
