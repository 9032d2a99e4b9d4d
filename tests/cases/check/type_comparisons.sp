let sofa = the("Sofa")
let a = "sofa" < "table"
let b = sofa == frame(0)
let c = sofa.label == 3
let d = sofa.center < sofa.size
answer sofa.height > sofa.footprint
