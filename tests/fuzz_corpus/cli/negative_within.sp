# issue 14: a negative threshold was answered silently
answer near(the("Fridge"), the("DiningTable"), within=-1m)
