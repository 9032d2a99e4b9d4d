# Asks whether one object in the image is below another (language.md `below(a, b)` =
# `above(b, a)`). Mirrors SPRITE image "object below".
# means: yes iff below(a, b) = above(b, a): a is vertically under b — b's bottom at or over a's top (5 cm tolerance) and their footprints overlap; "lower in the picture" is not asked
# Guards as in image_above: both objects clearly visible in the image; horizontally close
# pair (centres within 1.5 m) at clearly different heights (centres 15 cm or more apart
# vertically).
# A `b` resting on `a` is asked about only if it is also `above` it.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
# Neither object lies inside the other's box (`inside`): a shelf of a shelving unit, a
# cloth in a bathtub basin is part or content of it, not above or below it for a reader.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task image_below
  modality image
  params f: Frame, a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_visible(a, f) and clearly_visible(the(b), f) and horizontal_distance(a, the(b)) <= 1.5m and abs(a.center.z - the(b).center.z) >= 0.15m and (not on(the(b), a) or above(the(b), a)) and not inside(a, the(b)) and not inside(the(b), a)
  ask "In this image, is the {a} directly below the {b}, under its footprint?"
  ask "Looking at the picture, is the {a} located directly underneath the {b}?"
  ask "Is the {a} physically below the {b}, so that seen from above the two overlap? Answer yes or no."
  answer below(a, the(b))
