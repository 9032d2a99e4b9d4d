# Asks which of two objects in the image has the larger (or smaller) bounding-box volume.
# Mirrors SPRITE image "object volume comparison".
# means: the object whose bounding box has the larger (smaller) volume (o.volume: product of the three box extents)
# Guards: both are clearly visible in the image; one volume is at least 1.25 times the
# other, so the answer is never a near-tie.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def distinct(x: Volume, y: Volume) -> Bool: max(x, y) >= 1.25 * min(x, y)

task image_volume_comparison
  modality image
  params f: Frame, a: Ref, b: Category, which: one of ["larger", "smaller"]
  where nameable(b) and a != the(b) and clearly_visible(a, f) and clearly_visible(the(b), f) and distinct(a.volume, the(b).volume)
  ask "Which object in this image has the {which} bounding-box volume: the {a} or the {b}?"
  ask "Between the {a} and the {b} in the picture, which has the {which} bounding box by volume?"
  ask "Compare the volumes of the bounding boxes of the {a} and the {b}. Which one is {which}?"
  choices [a, the(b)]
  answer if (a.volume > the(b).volume) == (which == "larger") then a else the(b)
