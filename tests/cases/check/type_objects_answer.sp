question "Which chairs are near the table?"
let table = the("Table")
answer filter("Chair", c => near(c, table))
