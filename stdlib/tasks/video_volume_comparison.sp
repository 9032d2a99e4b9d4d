# Asks which of three objects seen in the video has the largest (or smallest) bounding-box
# volume; multiple choice. Mirrors SPRITE video "object volume comparison".
# means: the object whose bounding box has the largest (smallest) volume (product of its three extents)
# Guards: each is clearly visible in some frame; the answer's volume differs from each
# other one's by a factor of at least 1.25 (only one of the three lies within that factor
# of the extreme).
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def trio(a: Str, b: Str, c: Str) -> Objects: union(union(find(a), find(b)), find(c))
def clear(s: Objects, which: Str) -> Bool: if which == "largest" then count(filter(s, o => 1.25 * o.volume > max(s, p => p.volume))) == 1 else count(filter(s, o => o.volume < 1.25 * min(s, p => p.volume))) == 1

task video_volume_comparison
  modality video
  params a: Category, b: Category, c: Category, which: one of ["largest", "smallest"]
  where a != b and a != c and b != c and nameable(a) and nameable(b) and nameable(c) and clearly_seen(the(a)) and clearly_seen(the(b)) and clearly_seen(the(c)) and clear(trio(a, b, c), which)
  ask "Which of these has the {which} bounding-box volume: the {a}, the {b} or the {c}?"
  ask "Among the {a}, the {b} and the {c}, which one has the {which} bounding box by volume?"
  ask "Comparing bounding-box volumes, which is the {which}: the {a}, the {b} or the {c}?"
  choices [the(a), the(b), the(c)]
  answer if which == "largest" then argmax(trio(a, b, c), o => o.volume) else argmin(trio(a, b, c), o => o.volume)
