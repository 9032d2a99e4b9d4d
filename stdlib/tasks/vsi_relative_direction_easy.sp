# Standing by object A and facing object B, is object C to the left or to the right?
# Mirrors VSI-Bench "relative direction", easy level. Levels in this library follow
# VSI-Bench's answer sets: easy = left / right (`sectors=2`), medium = left / right / back
# (back when C is at least 135° away from the facing direction), hard = the four quadrants
# (`sectors=4`).
# means: side of C's centre seen from A's centre facing B's centre, horizontally (direction(a, b, c, sectors=2))
# Guards: A, B and C are each clearly visible in some frame; A is at least 0.5 m
# (horizontally) from B and from C; the bearing of C is 15° or more away from straight
# ahead and straight behind.
# `c` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def sideways(b: Angle) -> Bool: abs(b) >= 15deg and abs(b) <= 165deg

task vsi_relative_direction_easy
  modality video
  params a: Category, b: Category, c: Ref
  where a != b and nameable(a) and nameable(b) and c != the(a) and c != the(b) and clearly_seen(the(a)) and clearly_seen(the(b)) and clearly_seen(c) and horizontal_distance(the(a), the(b)) >= 0.5m and horizontal_distance(the(a), c) >= 0.5m and sideways(bearing(the(a), the(b), c))
  ask "Suppose I am standing by the {a}, looking toward the {b}. Is the {c} on my left or on my right?"
  ask "Standing next to the {a} and facing the {b}, would I find the {c} to my left or to my right?"
  ask "If I stand at the {a} facing the {b}, which side is the {c} on: left or right?"
  choices ["left", "right"]
  answer direction(the(a), the(b), c, sectors=2)
