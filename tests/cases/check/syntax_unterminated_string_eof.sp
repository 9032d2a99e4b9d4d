let mug = the("Mug)
