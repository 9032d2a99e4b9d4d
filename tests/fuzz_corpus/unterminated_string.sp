question "Is the mug on the table?
answer on(the("Mug"), the("Table"))
