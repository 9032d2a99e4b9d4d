# The task clause words are keywords only where a task clause may start.
let ask = 1
let where = 2
let one = 3
let of = 4
let modality = 5
let params = 6
let choices = [ask, where]
answer ask + where + one + of + modality + params + len(choices)
