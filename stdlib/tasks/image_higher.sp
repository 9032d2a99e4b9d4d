# Asks which of two objects in the image sits higher (or lower), comparing the heights of
# their centres (language.md `higher`). Mirrors SPRITE image "high and low position".
# means: the object whose bounding-box centre is higher (lower) above the floor (higher(a, b) compares centre z)
# Guards: both are clearly visible in the image; the centres differ in height by at least
# 15 cm (2 cm jitter cannot flip it).
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task image_higher
  modality image
  params f: Frame, a: Ref, b: Category, rel: one of ["higher", "lower"]
  where nameable(b) and a != the(b) and clearly_visible(a, f) and clearly_visible(the(b), f) and abs(a.center.z - the(b).center.z) >= 0.15m
  ask "In this image, which object has its center {rel}: the {a} or the {b}?"
  ask "Which of the two has its center at a {rel} elevation, the {a} or the {b}?"
  ask "Comparing the heights of their centers, which object sits {rel}: the {a} or the {b}?"
  choices [a, the(b)]
  answer if higher(a, the(b)) == (rel == "higher") then a else the(b)
