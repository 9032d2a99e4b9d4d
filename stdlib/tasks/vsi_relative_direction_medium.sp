# Standing by object A and facing object B, is object C to the left, to the right, or
# behind? "Behind" means turning at least 135° to face it. Mirrors VSI-Bench "relative
# direction", medium level (see vsi_relative_direction_easy.sp for the three levels).
# means: "back" if C's centre lies 135° or more from the direction A's centre -> B's centre (horizontally), else its side, left or right
# Guards: A, B and C are each clearly visible in some frame; A is at least 0.5 m
# (horizontally) from B and from C; the bearing is at least 10° away from straight ahead
# (left/right boundary) and from ±135° (side/back boundary).
# `c` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def clear(b: Angle) -> Bool: abs(b) >= 10deg and abs(abs(b) - 135deg) >= 10deg
def side(b: Angle) -> Str: if abs(b) >= 135deg then "back" else if b > 0deg then "left" else "right"

task vsi_relative_direction_medium
  modality video
  params a: Category, b: Category, c: Ref
  where a != b and nameable(a) and nameable(b) and c != the(a) and c != the(b) and clearly_seen(the(a)) and clearly_seen(the(b)) and clearly_seen(c) and horizontal_distance(the(a), the(b)) >= 0.5m and horizontal_distance(the(a), c) >= 0.5m and clear(bearing(the(a), the(b), c))
  ask "Suppose I am standing by the {a}, looking toward the {b}. Is the {c} on my left, on my right, or behind me? (Behind means I would have to turn at least 135 degrees to face it.)"
  ask "Standing next to the {a} and facing the {b}, is the {c} to my left, to my right, or at my back? Count it as back if facing it takes a turn of 135 degrees or more."
  ask "If I stand at the {a} facing the {b}, where is the {c}: left, right, or back (a turn of at least 135 degrees)?"
  choices ["left", "right", "back"]
  answer side(bearing(the(a), the(b), c))
