# Asks for one dimension (height, length or width) of an object shown in the image that
# shares its category with others, named by a referring expression ("the chair nearest the
# window"), in centimetres. Mirrors SPRITE image "object size estimation", extended to
# multi-instance categories through the `Ref` domain.
# The reference is allocentric (the engine offers no view references), so it holds in any
# frame; the object must be visible in the image. Very thin dimensions (under 5 cm) are
# skipped because they are not judged from a picture.
def extent(o: Object, dim: Str) -> Length: if dim == "height" then o.height else if dim == "length" then o.length else o.width

task image_ref_object_size
  modality image
  params f: Frame, a: Ref, dim: one of ["height", "length", "width"]
  where visible(a, f) and extent(a, dim) >= 5cm
  ask "What is the {dim} of the {a} in this image, in centimeters?"
  ask "Estimate the {dim} of the {a} shown here. Answer in centimeters."
  ask "Looking at the {a} in the picture, how big is its {dim} in centimeters?"
  answer round(extent(a, dim) in cm)
