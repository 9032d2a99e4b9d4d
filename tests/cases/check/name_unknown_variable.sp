let fridge = the("Fridge")
let sink = the("Sink")
answer distance(sink, fridg) < 2m
