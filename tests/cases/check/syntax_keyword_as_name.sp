let in = 3
let then = 4
let task = 5
answer 1
