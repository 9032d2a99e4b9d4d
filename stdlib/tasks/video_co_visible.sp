# Asks whether two objects are ever in view at the same time (some frame shows both).
# Mirrors SPRITE video "co-visible objects".
# means: yes iff some frame shows both objects (co_visible: each visible, fraction >= 0.1, in the same frame)
# Guards: both are clearly visible in at least one frame (otherwise the answer is a trivial
# "no" or about an object a viewer cannot make out).
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_co_visible
  modality video
  params a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_seen(a) and clearly_seen(the(b))
  ask "Is there a moment in the video when the {a} and the {b} are both in view?"
  ask "Do the {a} and the {b} ever appear together in the same frame of the video?"
  ask "Does any single frame of this video show both the {a} and the {b}?"
  answer co_visible(a, the(b))
