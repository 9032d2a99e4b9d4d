# Asks for the longest dimension (length, width or height) of an object, in centimetres.
# Mirrors VSI-Bench "object size".
# Sizes do not move under centre jitter.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task vsi_object_size
  modality video
  params a: Category
  where nameable(a) and seen(the(a))
  ask "What is the longest dimension (length, width or height) of the {a}, in centimeters?"
  ask "How long is the {a} along its largest side? Answer in centimeters."
  ask "In centimeters, what is the biggest of the {a}'s three dimensions?"
  answer round(the(a).longest in cm)
