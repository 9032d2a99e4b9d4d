# Asks for the distance between two objects measured between their closest points (`gap`),
# in metres. Mirrors VSI-Bench "absolute distance" (which measures from the closest point
# of each object).
# Guard: the gap is at least 0.5 m. Touching or nested objects (gap 0) are skipped, and a
# 2 cm jitter of the two centres stays within the 5 % numeric tolerance of the stability
# check in all but rare cases.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task vsi_abs_distance
  modality video
  params a: Category, b: Category
  where a != b and nameable(a) and nameable(b) and seen(the(a)) and seen(the(b)) and gap(the(a), the(b)) >= 0.5m
  ask "Measured between their closest points, how far apart are the {a} and the {b}, in meters?"
  ask "What is the shortest distance between the {a} and the {b}? Answer in meters."
  ask "How many meters separate the nearest points of the {a} and the {b}?"
  answer round(gap(the(a), the(b)) in m, 2)
