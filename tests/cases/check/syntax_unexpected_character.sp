let a = the("Sink") @ the("Fridge")
answer $a
