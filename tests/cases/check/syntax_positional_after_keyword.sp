answer near(the("Chair"), within=1m, the("Table"))
