let sink = the("Sink")
answer sink.height
answer sink.width
