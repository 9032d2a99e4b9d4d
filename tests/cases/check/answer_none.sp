question "How far is the sink from the fridge?"
let sink = the("Sink")
let d = distance(sink, the("Fridge"))
