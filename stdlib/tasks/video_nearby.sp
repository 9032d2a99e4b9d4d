# Asks which objects seen in the video lie within a given distance of a target object
# (closest points of the boxes, `gap`). Mirrors SPRITE video "object nearby".
# means: the objects clearly visible in some frame (other than A, floor, walls, ceiling) whose bounding boxes come within r m of A's (gap <= r), listed in id order
# The answer names each object as a question would (a repeated category by its reference;
# an item whose list would repeat a name, or name an object without words, is dropped).
# Guards: A is clearly visible in some frame; no clearly seen object's gap is within 10 cm
# of the radius; no object that can be seen but never clearly lies within the radius plus
# 10 cm, since a reader could not tell whether to list it; the list has 1 to 6 entries.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def others(a: Object) -> Objects: filter(objects, o => o != a and not structural(o.category) and seen(o))
def clear(a: Object) -> Objects: filter(others(a), o => clearly_seen(o))
def around(a: Object, r: Number) -> Objects: filter(clear(a), o => gap(o, a) <= r * 1m)
def unclear_near(a: Object, r: Number) -> Bool: any(others(a), o => not clearly_seen(o) and gap(o, a) <= r * 1m + 0.1m)

task video_nearby
  modality video
  params a: Ref, r: one of [0.5, 1, 2]
  where clearly_seen(a) and count(around(a, r)) >= 1 and count(around(a, r)) <= 6 and all(clear(a), o => abs(gap(o, a) - r * 1m) >= 0.1m) and not unclear_near(a, r)
  ask "Which objects in the video are within {r} m of the {a}, measured between their closest points?"
  ask "List everything seen in the video that is no more than {r} m from the {a} (closest-point distance)."
  ask "What objects in the video lie within {r} m of the {a}? Measure between the nearest surfaces."
  answer map(around(a, r), o => o)
