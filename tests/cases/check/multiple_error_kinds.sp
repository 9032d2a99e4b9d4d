question "Which chair is closest to the tabel?"
let table = the("Tabel")
let chair = argmin("Chair", c => distnce(c, table))
let h = chair.height + 2ft
let d = distance(chair)
let x = chair.height > 1.5
answer chair
answer x
