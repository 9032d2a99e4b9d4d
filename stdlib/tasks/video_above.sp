# Asks whether one object is above another, both seen in the video (language.md `above`).
# Mirrors SPRITE video "object above".
# means: yes iff above(a, b): a is vertically over b — its bottom at or over b's top (5 cm tolerance) and their footprints overlap
# Guards: both objects are clearly visible in at least one frame (synthesis.md); a
# horizontally close pair (centres within 1.5 m) at clearly different heights (centres
# 15 cm or more apart vertically).
# An `a` resting on `b` is asked about only if it is also `above` it (not a pillow on a
# bed whose box reaches up the headboard).
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
# Neither object lies inside the other's box (`inside`): a shelf of a shelving unit, a
# cloth in a bathtub basin is part or content of it, not above or below it for a reader.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_above
  modality video
  params a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_seen(a) and clearly_seen(the(b)) and horizontal_distance(a, the(b)) <= 1.5m and abs(a.center.z - the(b).center.z) >= 0.15m and (not on(a, the(b)) or above(a, the(b))) and not inside(a, the(b)) and not inside(the(b), a)
  ask "Is the {a} directly above the {b}, over its footprint?"
  ask "In this video, is the {a} located directly over the {b}?"
  ask "Is the {a} physically above the {b}, so that seen from above the two overlap? Answer yes or no."
  answer above(a, the(b))
