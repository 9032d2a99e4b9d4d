question "In the first frame, is the mug left of the kettle?"
let f = frame(0)
let mug = the("Mug")
let kettle = the("Kettle")
assert visible(mug, f) and visible(kettle, f) else "not both visible"
assert abs(to_camera(mug, f).x - to_camera(kettle, f).x) > 3cm else "too close to call"
let nearer = closer(mug, kettle, f)
let cues = [view_direction(mug, f), view_direction(kettle, f, sectors=4, margin=1deg)]
let d = depth(mug, f) + camera_distance(kettle, f) - camera_gap(kettle, f)
let way = route(frame(0), frame(-1))
let moved = move(f, last(frames)).x in m
answer left_of(mug, kettle, f) and not right_of(mug, kettle, f) or nearer
