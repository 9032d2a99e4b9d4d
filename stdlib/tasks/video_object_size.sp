# Asks for one dimension (height, length or width) of an object seen in the video, in
# centimetres. Mirrors SPRITE video "object size estimation" (one dimension per question).
# `length` / `width` are the larger / smaller horizontal extent (language.md §4); sizes do
# not move under centre jitter; dimensions under 5 cm are skipped.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def extent(o: Object, dim: Str) -> Length: if dim == "height" then o.height else if dim == "length" then o.length else o.width

task video_object_size
  modality video
  params a: Category, dim: one of ["height", "length", "width"]
  where nameable(a) and seen(the(a)) and extent(the(a), dim) >= 5cm
  ask "What is the {dim} of the {a} in the video, in centimeters?"
  ask "Estimate the {dim} of the {a}. Answer in centimeters."
  ask "How many centimeters is the {a} in {dim}?"
  answer round(extent(the(a), dim) in cm)
