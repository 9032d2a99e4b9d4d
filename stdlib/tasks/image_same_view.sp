# Asks whether two objects both appear in the image. Mirrors SPRITE multi-image "objects in
# the same view".
# means: yes iff both objects are clearly visible in the image; each is either clearly visible in it or not visible at all
# This task asks about visibility itself, so it cannot require both objects in the image:
# instead each one is either clearly visible in it (fraction >= 0.3, >= 32 px) or absent
# (fraction 0), never half-hidden or tiny, where "is it in the picture?" has no clear
# answer. Guards: both are clearly seen somewhere in the scene's video, and at least one of
# them is clearly visible in this image, so a "no" is a real judgement about the view.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def decided(o: Object, f: Frame) -> Bool: clearly_visible(o, f) or visibility(o, f) == 0

task image_same_view
  modality image
  params f: Frame, a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_seen(a) and clearly_seen(the(b)) and decided(a, f) and decided(the(b), f) and (clearly_visible(a, f) or clearly_visible(the(b), f))
  ask "Are the {a} and the {b} both visible in this image?"
  ask "Does this picture show both the {a} and the {b}?"
  ask "Can you see the {a} and the {b} together in this view? Answer yes or no."
  answer clearly_visible(a, f) and clearly_visible(the(b), f)
