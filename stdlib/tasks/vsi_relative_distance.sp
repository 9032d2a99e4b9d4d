# Asks which of several objects is closest to a target, measured between closest points
# (`gap`); multiple choice. Mirrors VSI-Bench "relative distance".
# means: among the candidates, the object whose bounding box comes nearest A's bounding box (least gap, closest points)
# Candidates: uniquely named objects clearly visible in some frame, other than the target
# (at most four are shown, always with the answer). Guards: the target is clearly visible
# in some frame; only one candidate's gap lies within 10 % and 0.15 m of the smallest gap,
# so the runner-up is clearly farther (this also skips targets touched by two or more
# candidates, whose gaps are all 0).
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def candidates(a: Str) -> Objects: filter(objects, o => o.category != a and nameable(o.category) and clearly_seen(o))
def nearest(a: Str) -> Length: min(candidates(a), o => gap(o, the(a)))
def closer_than(a: Str, d: Length) -> Int: count(filter(candidates(a), o => gap(o, the(a)) < d))

task vsi_relative_distance
  modality video
  params a: Category
  where nameable(a) and clearly_seen(the(a)) and count(candidates(a)) >= 2 and closer_than(a, max(1.1 * nearest(a), nearest(a) + 0.15m)) == 1
  ask "Measuring from the closest point of each object, which of these is nearest to the {a}?"
  ask "Which of the following objects comes closest to the {a} (shortest distance between their surfaces)?"
  ask "Considering the nearest points of the objects, which option is closest to the {a}?"
  choices map(candidates(a), o => o)
  answer argmin(candidates(a), o => gap(o, the(a)))
