def twice(x: Length) -> Length: 2 * x
let sofa = the("Sofa")
let tv = the("Television")
let a = distance(sofa)
let b = distance(sofa, tv, tv)
let c = near(sofa, tv, radius=1m)
let d = near(sofa, tv, within=1m, within=2m)
let e = twice(1m, 2m)
let f = twice()
let g = the()
answer twice(x=3m) in m
