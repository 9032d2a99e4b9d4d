let sink = the("Sink")
answer distance(sink,
