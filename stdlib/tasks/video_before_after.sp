# Asks whether object A first appears before or after object B in the video. Mirrors SPRITE
# video "temporal appearance sequence" (before / after).
# means: "before" iff A's first frame in which it can be seen (first_seen, fraction >= 0.1) comes before B's
# Guards: both are clearly visible in at least one frame; the two first appear in
# different frames.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
# A reader may take "first appear" as the first glimpse (`first_seen`, fraction >= 0.1) or as the
# first frame where the object can be made out (`first_clearly_seen`); the two orders differed
# in 20 of 68 such items on 6 rooms, so only pairs both readings order alike are asked
# (`agree`).
def agree(x: Object, y: Object) -> Bool: first_clearly_seen(x) != first_clearly_seen(y) and (first_seen(x) < first_seen(y)) == (first_clearly_seen(x) < first_clearly_seen(y))
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_before_after
  modality video
  params a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_seen(a) and clearly_seen(the(b)) and first_seen(a) != first_seen(the(b)) and agree(a, the(b))
  ask "Does the {a} first appear before or after the {b} in the video?"
  ask "In this video, is the {a} seen for the first time before or after the {b}?"
  ask "Which comes first in the video, relative to the {b}: does the {a} show up before it or after it?"
  choices ["before", "after"]
  answer if first_seen(a) < first_seen(the(b)) then "before" else "after"
