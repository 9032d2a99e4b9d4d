# Of the objects resting on a support (table, counter, ...), which one is nearest a
# landmark (centre distance)? Multiple choice. Compound, multi-step: find what is `on` the
# support, then rank it by distance to the landmark.
# means: among the objects o with on(o, a) (resting on A), the one whose bounding-box centre is nearest B's centre
# Guards: at least two objects rest on the support and all are uniquely named and clearly
# visible in some frame (so no unnameable or unseen object could be the true answer); the
# support and the landmark are clearly visible in some frame; the landmark is not one of them; the
# runner-up is at least 10 % and 0.15 m farther than the nearest (only one object lies
# within that margin).
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def on_top(a: Str) -> Objects: filter(objects, o => on(o, the(a)))
def nearest(a: Str, b: Str) -> Length: min(on_top(a), o => distance(o, the(b)))
def closer_than(a: Str, b: Str, d: Length) -> Int: count(filter(on_top(a), o => distance(o, the(b)) < d))

task compound_on_nearest
  modality video
  params a: Category, b: Category
  where a != b and nameable(a) and nameable(b) and clearly_seen(the(a)) and clearly_seen(the(b)) and count(on_top(a)) >= 2 and all(on_top(a), o => nameable(o.category) and clearly_seen(o)) and not contains(on_top(a), the(b)) and closer_than(a, b, max(1.1 * nearest(a, b), nearest(a, b) + 0.15m)) == 1
  ask "Of the objects resting on the {a}, which one is nearest to the {b}, measured center to center?"
  ask "Several things rest on the {a}. Which of them is closest to the {b} (center to center)?"
  ask "Looking at what is placed on the {a}, which item is closest to the {b} (center to center)?"
  choices map(on_top(a), o => o)
  answer argmin(on_top(a), o => distance(o, the(b)))
