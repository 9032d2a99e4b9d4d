question "Which did the camera see first, the sofa or the lamp?"
let sofa = the("Sofa")
let lamp = the("Lamp")
assert seen(sofa) and seen(lamp) else "not both seen"
assert first_seen(sofa) != first_seen(lamp) else "seen at the same time"
let order = appearance_order(union(sofa.label, lamp.label))
let span = last_seen(sofa) - first_seen(sofa)
let both = co_visible(sofa, lamp)
let visible_now = count(in_view(frame(-1)))
let share = visibility(sofa, frame(-1))
let pixels = screen_size(sofa, frame(-1))
let clear_now = clearly_visible(sofa, frame(-1)) and clearly_seen(lamp)
let first_clear = first_clearly_seen(lamp)
let turned = turn(frame(0), frame(-1)) in deg
let walked = travel(frame(0), frame(-1))
answer first(order)
