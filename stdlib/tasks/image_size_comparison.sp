# Asks which of two objects in the image is taller (height of its bounding box) or longer
# (the longer horizontal side of its bounding box). Mirrors SPRITE image "object size
# comparison".
# means: "taller": the object whose bounding box has the greater height (top - bottom); "longer": the greater o.length (longer horizontal side of the box)
# Guards: both are clearly visible in the image; the two sizes differ by at least 15 % of
# the larger, so the comparison is visible and never a near-tie.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def extent(o: Object, dim: Str) -> Length: if dim == "taller (bottom to top)" then o.height else o.length
def distinct(x: Length, y: Length) -> Bool: abs(x - y) >= 0.15 * max(x, y)

task image_size_comparison
  modality image
  params f: Frame, a: Ref, b: Category, dim: one of ["taller (bottom to top)", "longer (along its longer horizontal side)"]
  where nameable(b) and a != the(b) and clearly_visible(a, f) and clearly_visible(the(b), f) and distinct(extent(a, dim), extent(the(b), dim))
  ask "In this image, which is {dim}: the {a} or the {b}?"
  ask "Comparing the {a} and the {b} in the picture, which one is {dim}?"
  ask "Which of the two objects is {dim}, the {a} or the {b}?"
  choices [a, the(b)]
  answer if extent(a, dim) > extent(the(b), dim) then a else the(b)
