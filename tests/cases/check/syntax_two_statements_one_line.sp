let a = the("Sink") let b = the("Fridge")
answer distance(a, b) in m
