# Asks for the straight-line distance between the centres of two objects in the image, in
# metres. Mirrors SPRITE image "object absolute distance".
# means: distance between the two objects' bounding-box centres, metres, 2 decimals
# Guards: both objects are clearly visible in the image; the centres are at least 0.5 m
# apart, so a 2 cm jitter of each stays within the 5 % numeric tolerance of the stability
# check in all but rare cases.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task image_abs_distance
  modality image
  params f: Frame, a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_visible(a, f) and clearly_visible(the(b), f) and distance(a, the(b)) >= 0.5m
  ask "In this image, how far apart are the centers of the {a} and the {b}, in meters?"
  ask "What is the distance between the center of the {a} and the center of the {b} shown here? Answer in meters."
  ask "Estimate the distance in meters from the {a} to the {b} in the picture (center to center)."
  answer round(distance(a, the(b)) in m, 2)
