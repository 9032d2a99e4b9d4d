# Asks whether two objects both appear in the image. Mirrors SPRITE multi-image "objects in
# the same view".
# Guards: both objects are seen somewhere in the scene's video, and at least one of them is
# in this image, so a "no" is a real judgement about the view.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task image_same_view
  modality image
  params f: Frame, a: Ref, b: Category
  where nameable(b) and a != the(b) and seen(a) and seen(the(b)) and (visible(a, f) or visible(the(b), f))
  ask "Are the {a} and the {b} both visible in this image?"
  ask "Does this picture show both the {a} and the {b}?"
  ask "Can you see the {a} and the {b} together in this view? Answer yes or no."
  answer visible(a, f) and visible(the(b), f)
