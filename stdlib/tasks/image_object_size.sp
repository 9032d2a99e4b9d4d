# Asks for one dimension (height, length or width) of an object shown in the image, in
# centimetres. Mirrors SPRITE image "object size estimation".
# `length` / `width` are the larger / smaller horizontal extent of the object's box
# (language.md §4). Sizes do not move under centre jitter, so the answer is stable; very
# thin dimensions (under 5 cm) are skipped because they are not judged from a picture.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def extent(o: Object, dim: Str) -> Length: if dim == "height" then o.height else if dim == "length" then o.length else o.width

task image_object_size
  modality image
  params f: Frame, a: Ref, dim: one of ["height", "length", "width"]
  where visible(a, f) and extent(a, dim) >= 5cm
  ask "What is the {dim} of the {a} in this image, in centimeters?"
  ask "Estimate the {dim} of the {a} shown here. Answer in centimeters."
  ask "Looking at the {a} in the picture, how big is its {dim} in centimeters?"
  answer round(extent(a, dim) in cm)
