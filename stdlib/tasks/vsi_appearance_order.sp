# Asks for the order in which four objects first appear in the video; multiple choice.
# Mirrors VSI-Bench "appearance order".
# means: the four objects sorted by the first frame in which each can be seen (first_seen: visible fraction >= 0.1)
# The distractors are the answer with its first two, middle two or last two entries swapped,
# and the answer reversed, so they are always four different wrong orders. Guards: each is
# clearly visible in some frame; the four first appear in four different frames.
# A reader may take "first appear" as the first glimpse (`first_seen`, fraction >= 0.1) or as the
# first frame where the object can be made out (`first_clearly_seen`); the two orders differed
# in 20 of 68 such items on 6 rooms, so only pairs both readings order alike are asked
# (`agree`).
def agree(x: Object, y: Object) -> Bool: first_clearly_seen(x) != first_clearly_seen(y) and (first_seen(x) < first_seen(y)) == (first_clearly_seen(x) < first_clearly_seen(y))
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def usable(c: Str) -> Bool: nameable(c) and clearly_seen(the(c))
def order(a: Str, b: Str, c: Str, d: Str) -> List[Object]: appearance_order([the(a), the(b), the(c), the(d)])
def distractors(o: List[Object]) -> List[List[Object]]: [o, [o[1], o[0], o[2], o[3]], [o[0], o[2], o[1], o[3]], [o[0], o[1], o[3], o[2]], [o[3], o[2], o[1], o[0]]]
def apart(a: Str, b: Str) -> Bool: first_seen(the(a)) != first_seen(the(b))

task vsi_appearance_order
  modality video
  params a: Category, b: Category, c: Category, d: Category
  where a != b and a != c and a != d and b != c and b != d and c != d and usable(a) and usable(b) and usable(c) and usable(d) and apart(a, b) and apart(a, c) and apart(a, d) and apart(b, c) and apart(b, d) and apart(c, d) and agree(the(a), the(b)) and agree(the(a), the(c)) and agree(the(a), the(d)) and agree(the(b), the(c)) and agree(the(b), the(d)) and agree(the(c), the(d))
  ask "In what order do these objects first appear in the video: the {a}, the {b}, the {c}, the {d}?"
  ask "Which list gives the order of first appearance of the {a}, the {b}, the {c} and the {d}?"
  ask "Sort the {a}, the {b}, the {c} and the {d} by when each is first seen in the video."
  choices distractors(order(a, b, c, d))
  answer order(a, b, c, d)
