# language.md §8, with the checker's hint applied (`1.5` -> `1.5m`).
question "Are the sink and the fridge more than 1.5 meters apart?"
let a = the("Sink")
let b = the("Fridge")
answer distance(a, b) > 1.5m
