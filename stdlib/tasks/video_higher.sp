# Asks which of two objects seen in the video sits higher (or lower), comparing the heights
# of their centres (language.md `higher`). Mirrors SPRITE video "high and low position".
# Guard: the centres differ in height by at least 15 cm.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_higher
  modality video
  params a: Category, b: Category, rel: one of ["higher", "lower"]
  where a != b and nameable(a) and nameable(b) and seen(the(a)) and seen(the(b)) and abs(the(a).center.z - the(b).center.z) >= 0.15m
  ask "Which is positioned {rel}: the {a} or the {b}?"
  ask "Of the {a} and the {b}, which one is at a {rel} elevation?"
  ask "Comparing the heights of their centers, which object sits {rel}: the {a} or the {b}?"
  choices [the(a), the(b)]
  answer if higher(the(a), the(b)) == (rel == "higher") then the(a) else the(b)
