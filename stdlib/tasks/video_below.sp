# Asks whether one object is below another, both seen in the video (language.md `below`).
# Mirrors SPRITE video "object below".
# Guards: horizontally close pair (centres within 1.5 m) at clearly different heights
# (centres 15 cm or more apart vertically); a `b` resting on `a` only if it is also
# `above` it (not a pillow on a bed whose box reaches up the headboard).
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_below
  modality video
  params a: Ref, b: Category
  where nameable(b) and a != the(b) and seen(a) and seen(the(b)) and horizontal_distance(a, the(b)) <= 1.5m and abs(a.center.z - the(b).center.z) >= 0.15m and (not on(the(b), a) or above(the(b), a))
  ask "Is the {a} below the {b}?"
  ask "In this video, is the {a} underneath the {b}?"
  ask "Is the {a} positioned below the {b}? Answer yes or no."
  answer below(a, the(b))
