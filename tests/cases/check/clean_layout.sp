# Comments, `;` separators, expressions spread over lines, trailing commas.
question "How many mugs are on the counter?"  # the question

let counter = the("CounterTop"); let mugs = find("Mug")
let on_counter = filter(
    mugs,  # every mug
    m => on(m, counter),
)
let names = [
    "mug",
    "cup",
]
answer count(on_counter)
  + 0
# trailing comment
