# Asks for the distance between two objects measured between their closest points (`gap`),
# in metres. Mirrors VSI-Bench "absolute distance" (which measures from the closest point
# of each object).
# means: least distance between the two objects' bounding boxes (gap, closest points), metres, 2 decimals
# Guards: both are clearly visible in some frame; the gap is at least 0.5 m. Touching or
# nested objects (gap 0) are skipped, and a 2 cm jitter of the two centres stays within
# the 5 % numeric tolerance of the stability check in all but rare cases.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task vsi_abs_distance
  modality video
  params a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_seen(a) and clearly_seen(the(b)) and gap(a, the(b)) >= 0.5m
  ask "Measured between their closest points, how far apart are the {a} and the {b}, in meters?"
  ask "What is the shortest distance between the {a} and the {b}, from the nearest point of one to the nearest point of the other? Answer in meters."
  ask "How many meters separate the nearest points of the {a} and the {b}?"
  answer round(gap(a, the(b)) in m, 2)
