question "Which seats are within a metre of the dining table, from lowest to highest?"
let table = the("DiningTable")
let seats = union("Chair", "Stool")
let close = filter(seats, s => near(s, table, within=1m))
let far = minus(seats, close)
let tall = intersect(close, filter(objects, o => o.height > 80cm))
assert exists(close) and not exists(tall) or count(far) > 0 else "no seats"
let ordered = sort(close, s => s.top)
let heights = map(ordered, s => s.height in cm)
let wide = any(close, s => s.width > 50cm) and all(close, s => contains(seats, s))
answer labels(ordered)
