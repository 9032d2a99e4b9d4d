# Asks which of several objects seen in the video is closest to (or farthest from) a target
# object, by centre distance; multiple choice. Mirrors SPRITE video "object relative
# distance".
# means: among the candidates, the object whose bounding-box centre is nearest to (farthest from) A's centre
# Candidates: uniquely named objects clearly visible in some frame, other than the target
# (the engine shows at most four choices, always with the answer, which stays the extreme
# of those shown). Guards: the target is clearly visible in some frame; the answer beats the
# runner-up by at least 10 % and 0.15 m (only one candidate lies within that margin of the
# extreme distance).
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def candidates(a: Str) -> Objects: filter(objects, o => o.category != a and nameable(o.category) and clearly_seen(o))
def nearest(a: Str) -> Length: min(candidates(a), o => distance(o, the(a)))
def farthest(a: Str) -> Length: max(candidates(a), o => distance(o, the(a)))
def closer_than(a: Str, d: Length) -> Int: count(filter(candidates(a), o => distance(o, the(a)) < d))
def farther_than(a: Str, d: Length) -> Int: count(filter(candidates(a), o => distance(o, the(a)) > d))
def clear(a: Str, which: Str) -> Bool: if which == "closest to" then closer_than(a, max(1.1 * nearest(a), nearest(a) + 0.15m)) == 1 else farther_than(a, min(farthest(a) / 1.1, farthest(a) - 0.15m)) == 1

task video_relative_distance
  modality video
  params a: Category, which: one of ["closest to", "farthest from"]
  where nameable(a) and clearly_seen(the(a)) and count(candidates(a)) >= 2 and clear(a, which)
  ask "Measuring center to center, which of these objects is {which} the {a}?"
  ask "Among the following objects from the video, which one is {which} the {a} (center to center)?"
  ask "Measuring between centers, which option is {which} the {a}?"
  choices map(candidates(a), o => o)
  answer if which == "closest to" then argmin(candidates(a), o => distance(o, the(a))) else argmax(candidates(a), o => distance(o, the(a)))
