answer the("Sink").center - the("Fridge").center
