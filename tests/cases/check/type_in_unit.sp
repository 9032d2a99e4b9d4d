let sofa = the("Sofa")
let a = sofa.height in deg
let b = sofa.footprint in cm
let c = 3 in m
let d = sofa.height in cm2
answer sofa.volume in L
