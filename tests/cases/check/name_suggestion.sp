let sink = the("Sink")
let fridge = the("Fridge")
answer distnce(sink, fridge)
