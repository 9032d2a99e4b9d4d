let box = the("Cabinet")
let l: Length = 1m + 30cm + 5mm
let a: Area = 2m2 + 500cm2 + l * l
let v: Volume = 0.1m3 + 500cm3 + 2L + a * l + l * a
let t: Angle = 90deg - box.yaw
let ratio: Number = v / box.volume + a / box.footprint + (l / 2) / box.height
let side = sqrt(box.footprint)
let rounded = round(side, 2)
let x = -box.center + 2 * box.size - box.size / 2
answer ratio + (t in deg) + (x.z in mm) + (rounded in cm) + sqrt(4)
