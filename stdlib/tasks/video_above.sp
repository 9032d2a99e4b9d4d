# Asks whether one object is above another, both seen in the video (language.md `above`).
# Mirrors SPRITE video "object above".
# Guards: horizontally close pair (centres within 1.5 m) at clearly different heights
# (centres 15 cm or more apart vertically); an `a` resting on `b` is asked about only if it
# is also `above` it (not a pillow on a bed whose box reaches up the headboard).
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_above
  modality video
  params a: Ref, b: Category
  where nameable(b) and a != the(b) and seen(a) and seen(the(b)) and horizontal_distance(a, the(b)) <= 1.5m and abs(a.center.z - the(b).center.z) >= 0.15m and (not on(a, the(b)) or above(a, the(b)))
  ask "Is the {a} above the {b}?"
  ask "In this video, is the {a} located directly over the {b}?"
  ask "Is the {a} positioned above the {b}? Answer yes or no."
  answer above(a, the(b))
