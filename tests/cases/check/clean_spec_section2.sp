question "Which is closer to the fridge: the sink or the stove burner?"
let fridge = the("Fridge")
let sink = the("Sink")
let burner = argmin(find("StoveBurner"), b => distance(b, fridge))
assert gap(sink, fridge) > 0m else "sink touches the fridge"
answer if distance(sink, fridge) < distance(burner, fridge) then "sink" else "stove burner"
