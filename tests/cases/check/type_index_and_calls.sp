let chairs = find("Chair")
let first_chair = chairs[0]
let n = objects()
let m = count
let k = 2
let j = k(1)
let frames_now = frame(0).index[1]
answer labels(sort(chairs, o => o.height))[first(["a", "b"])]
