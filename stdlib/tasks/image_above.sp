# Asks whether one object in the image is above another (language.md `above`: its bottom
# is at or over the other's top, within 5 cm, and their footprints overlap). Mirrors SPRITE
# image "object above".
# means: yes iff above(a, b): a is vertically over b — its bottom at or over b's top (5 cm tolerance) and their footprints overlap; "above in the picture" is not asked
# Guards: both objects are clearly visible in the image (synthesis.md: visible fraction
# >= 0.3 and 32 px); the pair is horizontally close (centres within 1.5 m), so a "no" is
# not trivial, and their centres differ in height by 15 cm or more, so the question is not
# about two objects side by side at one level.
# An `a` resting on `b` is asked about only if it is also `above` it (a pillow on a bed
# whose box reaches up the headboard is not, and a reader would say it is).
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
# Neither object lies inside the other's box (`inside`): a shelf of a shelving unit, a
# cloth in a bathtub basin is part or content of it, not above or below it for a reader.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task image_above
  modality image
  params f: Frame, a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_visible(a, f) and clearly_visible(the(b), f) and horizontal_distance(a, the(b)) <= 1.5m and abs(a.center.z - the(b).center.z) >= 0.15m and (not on(a, the(b)) or above(a, the(b))) and not inside(a, the(b)) and not inside(the(b), a)
  ask "In this image, is the {a} directly above the {b}, over its footprint?"
  ask "Looking at the picture, is the {a} located directly over the {b}?"
  ask "Is the {a} physically above the {b}, so that seen from above the two overlap? Answer yes or no."
  answer above(a, the(b))
