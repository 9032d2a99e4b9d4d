let sofa = the("Sofa")
let same = sofa == the("Sofa")
let label_ok = sofa.label == "sofa" and sofa.category != "Chair"
let frame_ok = frame(0) == first(frames)
answer same == label_ok and frame_ok and count("Chair") == 4
