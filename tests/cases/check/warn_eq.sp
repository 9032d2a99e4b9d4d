let sofa = the("Sofa")
let tv = the("Television")
let same_height = sofa.height == tv.height
let different_yaw = sofa.yaw != 90deg
answer same_height and different_yaw and sofa.label != tv.label
