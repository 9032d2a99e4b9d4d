question "How tall is the fridge, in centimeters?"
answer round(the("Fridge").height in cm)
