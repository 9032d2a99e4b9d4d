let sink = the("Sink")
assert distance(sink, the("Fridge")) else "sink and fridge coincide"
let a = not sink.height
let b = exists("Chair") and count("Chair")
answer if sink.label then 1 else 2
