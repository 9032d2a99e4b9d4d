# Asks for one dimension of an object's bounding box shown in the image, in centimetres:
# its height, or the longer or the shorter of its two horizontal sides. Mirrors SPRITE
# image "object size estimation".
# means: one extent of A's bounding box in cm, rounded to an integer: height (top - bottom), or o.length / o.width (longer / shorter horizontal side)
# "Length" and "width" are not asked by those names: people call the long side of a sofa
# its width, so the question names the side ("the longer horizontal side"). Guards: the
# object is clearly visible in the image; very thin dimensions (under 5 cm) are skipped
# because they are not judged from a picture. Sizes do not move under centre jitter.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def extent(o: Object, dim: Str) -> Length: if dim == "height" then o.height else if dim == "longer horizontal side" then o.length else o.width

task image_object_size
  modality image
  params f: Frame, a: Ref, dim: one of ["height", "longer horizontal side", "shorter horizontal side"]
  where clearly_visible(a, f) and extent(a, dim) >= 5cm
  ask "What is the {dim} of the bounding box of the {a} in this image, in centimeters?"
  ask "Estimate the {dim} of the bounding box around the {a} shown here. Answer in centimeters."
  ask "Looking at the {a} in the picture, how many centimeters is the {dim} of its bounding box?"
  answer round(extent(a, dim) in cm)
