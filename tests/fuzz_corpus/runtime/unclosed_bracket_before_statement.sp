question "How many mugs?"
let mugs = count(find("Mug")
answer mugs

