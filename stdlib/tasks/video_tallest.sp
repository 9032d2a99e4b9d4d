# Asks which of three objects seen in the video is the tallest (largest vertical extent,
# `o.height`); multiple choice. Mirrors SPRITE video "object height determination".
# means: the object whose bounding box has the greatest height (top - bottom), not the one placed highest
# Guards: each is clearly visible in some frame; the tallest is at least 10 % taller than
# each of the others (only one of the three lies within that factor of the greatest
# height).
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def trio(a: Str, b: Str, c: Str) -> Objects: union(union(find(a), find(b)), find(c))
def tallest(s: Objects) -> Length: max(s, o => o.height)
def near_top(s: Objects, h: Length) -> Int: count(filter(s, o => 1.1 * o.height > h))

task video_tallest
  modality video
  params a: Category, b: Category, c: Category
  where a != b and a != c and b != c and nameable(a) and nameable(b) and nameable(c) and clearly_seen(the(a)) and clearly_seen(the(b)) and clearly_seen(the(c)) and near_top(trio(a, b, c), tallest(trio(a, b, c))) == 1
  ask "Which is the tallest, measured from its own bottom to its top: the {a}, the {b} or the {c}?"
  ask "Of the {a}, the {b} and the {c} in the video, which one is itself the tallest (not the one placed highest)?"
  ask "Comparing how tall they are from bottom to top, which is tallest: the {a}, the {b} or the {c}?"
  choices [the(a), the(b), the(c)]
  answer argmax(trio(a, b, c), o => o.height)
