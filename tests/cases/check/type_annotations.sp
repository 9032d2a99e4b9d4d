let a: Length = 3
let b: Lenght = 2m
let c: List = [1, 2]
let d: Int[Str] = 1
let e: Objects = the("Chair")
let f: List[Object] = sort("Chair", o => o.height)
let g: Number = 2
answer f
