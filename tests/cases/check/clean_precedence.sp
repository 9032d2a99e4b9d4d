let a = the("Sofa")
let b = the("Lamp")
let p = not a.height > 1m and b.top < 2m or higher(a, b)
let q = not not (a.width in cm + 1 > 3)
let r = -a.height * 2 + -(b.height - 1m) in cm
let s = if p then 1 else if q then 2 else 3
answer (p or q) and r > 0 and s >= 1
