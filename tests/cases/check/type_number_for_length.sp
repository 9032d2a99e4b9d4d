let sofa = the("Sofa")
let tv = the("Television")
let far = distance(sofa, tv) >= 2
let wide = sofa.width < 0.9
let close = near(sofa, tv, within=3)
assert gap(sofa, tv) > 0.5 else "sofa touches the TV"
answer far and wide and close and sofa.yaw > 90 and room.area > 20
