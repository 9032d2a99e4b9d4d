let sink = the("Sink")
let fridge = the("Fridge")
let d = if higher(sink, fridge) then distance(sink, fridge) else "unknown"
let e = if exists("Chair") then 1m else 1m2
let f = if count("Chair") then 1 else 2
answer if seen(sink) then sink else 3
