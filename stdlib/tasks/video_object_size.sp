# Asks for one dimension (height, length or width) of an object seen in the video, in
# centimetres. Mirrors SPRITE video "object size estimation" (one dimension per question).
# `length` / `width` are the larger / smaller horizontal extent (language.md §4); sizes do
# not move under centre jitter; dimensions under 5 cm are skipped.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def extent(o: Object, dim: Str) -> Length: if dim == "height" then o.height else if dim == "length" then o.length else o.width

task video_object_size
  modality video
  params a: Ref, dim: one of ["height", "length", "width"]
  where seen(a) and extent(a, dim) >= 5cm
  ask "What is the {dim} of the {a} in the video, in centimeters?"
  ask "Estimate the {dim} of the {a}. Answer in centimeters."
  ask "How many centimeters is the {a} in {dim}?"
  answer round(extent(a, dim) in cm)
