# Asks which of two objects in the image sits higher (or lower), comparing the heights of
# their centres (language.md `higher`). Mirrors SPRITE image "high and low position".
# Guard: the centres differ in height by at least 15 cm (2 cm jitter cannot flip it).
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task image_higher
  modality image
  params f: Frame, a: Category, b: Category, rel: one of ["higher", "lower"]
  where a != b and nameable(a) and nameable(b) and visible(the(a), f) and visible(the(b), f) and abs(the(a).center.z - the(b).center.z) >= 0.15m
  ask "In this image, which is positioned {rel}: the {a} or the {b}?"
  ask "Which of the two is at a {rel} elevation, the {a} or the {b}?"
  ask "Comparing the heights of their centers, which object sits {rel}: the {a} or the {b}?"
  choices [the(a), the(b)]
  answer if higher(the(a), the(b)) == (rel == "higher") then the(a) else the(b)
