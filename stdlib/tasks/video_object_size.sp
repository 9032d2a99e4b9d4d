# Asks for one dimension of the bounding box of an object seen in the video, in
# centimetres: its height, or the longer or the shorter of its two horizontal sides.
# Mirrors SPRITE video "object size estimation" (one dimension per question).
# means: one extent of A's bounding box in cm, rounded to an integer: height (top - bottom), or o.length / o.width (longer / shorter horizontal side)
# "Length" and "width" are not asked by those names (people call the long side of a sofa
# its width). Guards: the object is clearly visible in some frame; dimensions under 5 cm
# are skipped. Sizes do not move under centre jitter.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def extent(o: Object, dim: Str) -> Length: if dim == "height" then o.height else if dim == "longer horizontal side" then o.length else o.width

task video_object_size
  modality video
  params a: Ref, dim: one of ["height", "longer horizontal side", "shorter horizontal side"]
  where clearly_seen(a) and extent(a, dim) >= 5cm
  ask "What is the {dim} of the bounding box of the {a} in the video, in centimeters?"
  ask "Estimate the {dim} of the bounding box around the {a}. Answer in centimeters."
  ask "How many centimeters is the {dim} of the box that just encloses the {a}?"
  answer round(extent(a, dim) in cm)
