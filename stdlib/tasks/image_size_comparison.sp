# Asks which of two objects in the image is taller (height) or longer (larger horizontal
# extent). Mirrors SPRITE image "object size comparison".
# Guard: the two sizes differ by at least 15 % of the larger, so the comparison is visible
# and never a near-tie.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def extent(o: Object, dim: Str) -> Length: if dim == "taller" then o.height else o.length
def distinct(x: Length, y: Length) -> Bool: abs(x - y) >= 0.15 * max(x, y)

task image_size_comparison
  modality image
  params f: Frame, a: Ref, b: Category, dim: one of ["taller", "longer"]
  where nameable(b) and a != the(b) and visible(a, f) and visible(the(b), f) and distinct(extent(a, dim), extent(the(b), dim))
  ask "In this image, which is {dim}: the {a} or the {b}?"
  ask "Comparing the {a} and the {b} in the picture, which one is {dim}?"
  ask "Which of the two objects is {dim}, the {a} or the {b}?"
  choices [a, the(b)]
  answer if extent(a, dim) > extent(the(b), dim) then a else the(b)
