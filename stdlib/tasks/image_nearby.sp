# Asks which objects in the image lie within a given distance of a target object
# (closest points of the boxes, `gap`); the answer lists their names in alphabetical order.
# Mirrors SPRITE image "object nearby".
# Guards: no object's gap is within 10 cm of the radius (jitter could move it across); the
# list has 1 to 6 entries. The floor (and walls, ceiling) are never listed.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def others(f: Frame, a: Object) -> Objects: filter(in_view(f), o => o != a and not structural(o.category))
def around(f: Frame, a: Object, r: Number) -> Objects: filter(others(f, a), o => gap(o, a) <= r * 1m)

task image_nearby
  modality image
  params f: Frame, a: Ref, r: one of [0.5, 1, 2]
  where visible(a, f) and count(around(f, a, r)) >= 1 and count(around(f, a, r)) <= 6 and all(others(f, a), o => abs(gap(o, a) - r * 1m) >= 0.1m)
  ask "Which objects in this image are within {r} m of the {a}, measured between their closest points?"
  ask "List the objects in the picture that are no more than {r} m away from the {a} (closest-point distance)."
  ask "In this view, what objects lie within {r} m of the {a}? Measure between the nearest surfaces."
  answer labels(around(f, a, r))
