# Standing by object A and facing object B, in which quadrant is object C: front-left,
# front-right, back-left or back-right? Mirrors VSI-Bench "relative direction", hard level
# (see vsi_relative_direction_easy.sp for the three levels).
# means: quadrant of C's centre seen from A's centre facing B's centre, horizontally (direction(a, b, c, sectors=4))
# Guards: A, B and C are each clearly visible in some frame; A is at least 0.5 m
# (horizontally) from B and from C; the bearing of C is at least 10° away from every
# quadrant boundary.
# `c` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def off_axes(b: Angle) -> Bool: abs(b) >= 10deg and abs(b) <= 170deg and abs(abs(b) - 90deg) >= 10deg

task vsi_relative_direction_hard
  modality video
  params a: Category, b: Category, c: Ref
  where a != b and nameable(a) and nameable(b) and c != the(a) and c != the(b) and clearly_seen(the(a)) and clearly_seen(the(b)) and clearly_seen(c) and horizontal_distance(the(a), the(b)) >= 0.5m and horizontal_distance(the(a), c) >= 0.5m and off_axes(bearing(the(a), the(b), c))
  ask "Suppose I am standing by the {a}, looking toward the {b}. Is the {c} to my front-left, front-right, back-left or back-right?"
  ask "Standing next to the {a} and facing the {b}, in which quadrant is the {c}: front-left, front-right, back-left or back-right?"
  ask "If I stand at the {a} facing the {b}, where is the {c} relative to me (front-left, front-right, back-left, back-right)?"
  choices ["front-left", "front-right", "back-left", "back-right"]
  answer direction(the(a), the(b), c, sectors=4)
