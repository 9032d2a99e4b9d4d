let fridge = the("Fridge")
question "How tall is the fridge?"
answer fridge.height
