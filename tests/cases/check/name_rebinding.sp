let a = the("Sink")
let a = the("Fridge")
let distance = 2m
let objects = find("Chair")
answer count(objects)
