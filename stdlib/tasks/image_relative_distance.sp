# Asks which of several objects in the image is closest to a target object (centre
# distance); multiple choice. Mirrors SPRITE image "object relative distance".
# means: among the candidates, the object whose bounding-box centre is nearest A's centre
# Candidates: uniquely named objects clearly visible in the frame, other than the target.
# The choices list them all (the engine shows at most four, always with the answer, which
# stays the closest of whichever are shown). Guards: the target is clearly visible; only
# one candidate lies within 10 % and 0.15 m of the closest distance, i.e. the runner-up is
# clearly farther.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def candidates(f: Frame, a: Str) -> Objects: filter(in_view(f), o => o.category != a and nameable(o.category) and clearly_visible(o, f))
def nearest(f: Frame, a: Str) -> Length: min(candidates(f, a), o => distance(o, the(a)))
def closer_than(f: Frame, a: Str, d: Length) -> Int: count(filter(candidates(f, a), o => distance(o, the(a)) < d))

task image_relative_distance
  modality image
  params f: Frame, a: Category
  where nameable(a) and clearly_visible(the(a), f) and count(candidates(f, a)) >= 2 and closer_than(f, a, max(1.1 * nearest(f, a), nearest(f, a) + 0.15m)) == 1
  ask "Which of these objects in the image is closest to the {a}, measured center to center?"
  ask "Of the following objects, which one is nearest to the {a} (center to center)?"
  ask "Looking at the picture, which option's center lies closest to the center of the {a}?"
  choices map(candidates(f, a), o => o)
  answer argmin(candidates(f, a), o => distance(o, the(a)))
