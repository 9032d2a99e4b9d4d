def tall(o: Object) -> Bool: o.height > 1m
let a = filter(objects, 3)
let b = abs(x => x)
let c = argmin("Chair", o => o.label)
let d = filter("Chair", o => o.height)
let e = tall(o => o)
let f = count(objects, o => o.height > 1m)
answer count(a) + count(d)
