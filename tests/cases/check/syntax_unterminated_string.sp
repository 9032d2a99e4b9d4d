question "Is the mug on the table?
let mug = the("Mug")
answer on(mug, the("DiningTable"))
