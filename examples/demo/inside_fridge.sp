question "Which objects are inside the fridge?"
let fridge = the("Fridge")
answer labels(filter(objects, o => inside(o, fridge)))
