# Asks which objects in the image lie within a given distance of a target object
# (closest points of the boxes, `gap`). Mirrors SPRITE image "object nearby".
# means: the objects clearly visible in the image (other than A, floor, walls, ceiling) whose bounding boxes come within r m of A's (gap <= r), listed in id order
# The answer names each object as a question would (a repeated category by its reference;
# an item whose list would repeat a name, or name an object without words, is dropped).
# Guards: A is clearly visible; no clearly visible object's gap is within 10 cm of the
# radius (jitter could move it across); no object that can be seen but not clearly
# (fraction 0.1 to 0.3, or under 32 px) lies within the radius plus 10 cm, since a reader
# could not tell whether to list it; the list has 1 to 6 entries.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def others(f: Frame, a: Object) -> Objects: filter(in_view(f), o => o != a and not structural(o.category))
def clear(f: Frame, a: Object) -> Objects: filter(others(f, a), o => clearly_visible(o, f))
def around(f: Frame, a: Object, r: Number) -> Objects: filter(clear(f, a), o => gap(o, a) <= r * 1m)
def unclear_near(f: Frame, a: Object, r: Number) -> Bool: any(others(f, a), o => not clearly_visible(o, f) and gap(o, a) <= r * 1m + 0.1m)

task image_nearby
  modality image
  params f: Frame, a: Ref, r: one of [0.5, 1, 2]
  where clearly_visible(a, f) and count(around(f, a, r)) >= 1 and count(around(f, a, r)) <= 6 and all(clear(f, a), o => abs(gap(o, a) - r * 1m) >= 0.1m) and not unclear_near(f, a, r)
  ask "Which objects in this image are within {r} m of the {a}, measured between their closest points?"
  ask "List the objects in the picture that are no more than {r} m away from the {a} (closest-point distance)."
  ask "In this view, what objects lie within {r} m of the {a}? Measure between the nearest surfaces."
  answer map(around(f, a, r), o => o)
