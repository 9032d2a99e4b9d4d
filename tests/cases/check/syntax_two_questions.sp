question "How tall is the fridge?"
question "How tall is the fridge, in cm?"
answer the("Fridge").height in cm
