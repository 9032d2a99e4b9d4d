# Asks which of two objects seen in the video sits higher (or lower), comparing the heights
# of their centres (language.md `higher`). Mirrors SPRITE video "high and low position".
# means: the object whose bounding-box centre is higher (lower) above the floor (higher(a, b) compares centre z)
# Guards: both are clearly visible in at least one frame; the centres differ in height by
# at least 15 cm.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_higher
  modality video
  params a: Ref, b: Category, rel: one of ["higher", "lower"]
  where nameable(b) and a != the(b) and clearly_seen(a) and clearly_seen(the(b)) and abs(a.center.z - the(b).center.z) >= 0.15m
  ask "Which object has its center {rel}: the {a} or the {b}?"
  ask "Of the {a} and the {b}, which one has its center at a {rel} elevation?"
  ask "Comparing the heights of their centers, which object sits {rel}: the {a} or the {b}?"
  choices [a, the(b)]
  answer if higher(a, the(b)) == (rel == "higher") then a else the(b)
