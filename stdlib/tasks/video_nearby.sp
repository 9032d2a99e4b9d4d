# Asks which objects seen in the video lie within a given distance of a target object
# (closest points of the boxes, `gap`); the answer lists their names alphabetically.
# Mirrors SPRITE video "object nearby".
# Guards: no object's gap is within 10 cm of the radius; the list has 1 to 6 entries. Floor,
# walls and ceiling are never listed.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def others(a: Object) -> Objects: filter(objects, o => o != a and not structural(o.category) and seen(o))
def around(a: Object, r: Number) -> Objects: filter(others(a), o => gap(o, a) <= r * 1m)

task video_nearby
  modality video
  params a: Ref, r: one of [0.5, 1, 2]
  where seen(a) and count(around(a, r)) >= 1 and count(around(a, r)) <= 6 and all(others(a), o => abs(gap(o, a) - r * 1m) >= 0.1m)
  ask "Which objects in the video are within {r} m of the {a}, measured between their closest points?"
  ask "List everything seen in the video that is no more than {r} m from the {a} (closest-point distance)."
  ask "What objects lie within {r} m of the {a}? Measure between the nearest surfaces."
  answer labels(around(a, r))
