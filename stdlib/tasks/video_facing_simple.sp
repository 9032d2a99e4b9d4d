# Standing at object A and facing object B, is object C on the left or on the right? All
# three are seen somewhere in the video. Mirrors SPRITE video "object direction, facing,
# simple" (left / right).
# means: side of C's centre seen from A's centre facing B's centre, horizontally (direction(a, b, c, sectors=2))
# Guards: A, B and C are each clearly visible in at least one frame; A is at least 0.5 m
# (horizontally) from B and from C; the bearing of C is 15° or more away from straight
# ahead and straight behind.
# `c` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def sideways(b: Angle) -> Bool: abs(b) >= 15deg and abs(b) <= 165deg

task video_facing_simple
  modality video
  params a: Category, b: Category, c: Ref
  where a != b and nameable(a) and nameable(b) and c != the(a) and c != the(b) and clearly_seen(the(a)) and clearly_seen(the(b)) and clearly_seen(c) and horizontal_distance(the(a), the(b)) >= 0.5m and horizontal_distance(the(a), c) >= 0.5m and sideways(bearing(the(a), the(b), c))
  ask "If you stood at the {a} facing the {b}, would the {c} be on your left or on your right?"
  ask "Imagine standing by the {a} and looking toward the {b}. Is the {c} to your left or to your right?"
  ask "From the {a}, facing the {b}: on which side is the {c}, left or right?"
  choices ["left", "right"]
  answer direction(the(a), the(b), c, sectors=2)
