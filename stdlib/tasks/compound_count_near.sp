# How many objects of a category are within 1 m of a landmark (closest points, `near`)?
# Compound, multi-step: select the category, filter by a distance threshold, count.
# means: the number of objects of category a whose bounding boxes come within 1 m of B's (near: gap <= 1 m, closest points)
# Guards: B and every instance of the category are clearly visible in some frame (the
# count is about the whole room, so a reader must be able to see each instance), and none
# has a gap within 10 cm of 1 m; at least one lies within 2 m, so the question is asked
# about a neighbourhood that holds some (zero remains a possible answer).
# `b` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def instances(a: Str) -> Objects: filter(objects, o => o.category == a)

task compound_count_near
  modality video
  params a: Category, b: Ref
  where a != b.category and not structural(a) and clearly_seen(b) and count(instances(a)) >= 1 and all(instances(a), o => clearly_seen(o) and abs(gap(o, b) - 1m) >= 0.1m) and any(instances(a), o => gap(o, b) <= 2m)
  ask "How many {a:plural} are within 1 meter of the {b}, measured between their closest points?"
  ask "Counting closest-point distances, how many {a:plural} lie no more than 1 meter from the {b}?"
  ask "Within one meter of the {b} (from its nearest surface), how many {a:plural} are there?"
  answer count(filter(instances(a), o => near(o, b)))
