let xs = [1m, 2cm, "three"]
let ys = [the("Sofa"), find("Chair")]
let zs = [1, 2.5, 3]
answer zs[0] + len(frames)
