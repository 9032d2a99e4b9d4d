let sofa = the("Sofa")
let a = sofa.height > 5ft
let b = sofa.height in inch
let c = 2km + 3M
let d = 90degrees
answer sofa.volume in l
