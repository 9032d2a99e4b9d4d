question "How many objects are within 50 cm of the sink?"
let sink = the("Sink")
answer count(filter(objects, o => near(o, sink, within=0.5m) and o != sink))
