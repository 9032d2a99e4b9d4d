def near_wall(o: Object, margin: Length = 30cm) -> Bool: o.bottom < margin
def volume_l(o: Object) -> Number: o.volume in L
def pair_gap(a: Object, b: Object) -> Length: gap(a, b) + 0m
def bigger(a: Object, b: Object) -> Object: if volume_l(a) > volume_l(b) then a else b
let fridge = the("Fridge")
let oven = the("Oven")
let winner = bigger(fridge, oven)
assert near_wall(winner, margin=1m) or near_wall(winner) else "floating"
answer winner.label
