let sink = the("Sink")
answer sink.height in cm
let extra = 1
