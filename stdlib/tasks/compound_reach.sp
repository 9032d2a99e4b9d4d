# Could a person sitting on a seat (sofa, chair, ...) reach another object without getting
# up? Reach is modelled as a gap under 0.8 m between the two boxes. Compound, multi-step:
# a seat check, then a closest-point distance against a reach threshold.
# means: yes iff the gap between the seat's and B's bounding boxes (closest points) is under 0.8 m
# Guards: the first object is a seat; both are clearly visible in some frame; the gap is at
# least 0.1 m away from 0.8 m.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def seat(c: Str) -> Bool: c == "Sofa" or c == "Chair" or c == "ArmChair" or c == "Stool" or c == "Bed" or c == "Toilet" or c == "Ottoman" or c == "Bench"

task compound_reach
  modality video
  params a: Ref, b: Category
  where seat(a.category) and nameable(b) and a != the(b) and clearly_seen(a) and clearly_seen(the(b)) and abs(gap(a, the(b)) - 0.8m) >= 0.1m
  ask "Could someone sitting on the {a} reach the {b} without standing up? Assume they reach anything less than 0.8 meters from the seat, measured between the nearest points."
  ask "If a person sits on the {a}, is the {b} within arm's reach, that is, is its nearest point less than 0.8 m from the nearest point of the seat?"
  ask "Sitting on the {a}, can you touch the {b} without leaving your seat? Take a reach of 0.8 meters from the seat's nearest point to the {b}'s."
  answer gap(a, the(b)) < 0.8m
