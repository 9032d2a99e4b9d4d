# Asks for the longest dimension (length, width or height) of an object, in centimetres.
# Mirrors VSI-Bench "object size".
# means: largest of the three extents of A's bounding box (o.longest), cm, rounded to an integer
# Guard: the object is clearly visible in some frame. Sizes do not move under centre
# jitter.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
task vsi_object_size
  modality video
  params a: Ref
  where clearly_seen(a)
  ask "What is the longest dimension (length, width or height) of the bounding box of the {a}, in centimeters?"
  ask "How long is the {a} along the largest side of its bounding box? Answer in centimeters."
  ask "In centimeters, what is the biggest of the three dimensions of the bounding box of the {a}?"
  answer round(a.longest in cm)
