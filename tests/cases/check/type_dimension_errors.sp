let sofa = the("Sofa")
let a = sofa.height + sofa.footprint
let b = sofa.footprint / sofa.height
let c = sofa.height * sofa.height * sofa.height * sofa.height
let d = sofa.yaw + 1m
let e = sofa.center + 1m
let f = 2 / sofa.height
let g = -"sofa"
answer sofa.volume < 1m2
