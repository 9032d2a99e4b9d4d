# Asks for the distance between an object named by a referring expression (its category
# occurs more than once) and a uniquely named object, measured between their closest points
# (`gap`), in metres. Mirrors VSI-Bench "absolute distance", extended to multi-instance
# categories through the `Ref` domain.
# Guard: both are seen in the video and the gap is at least 0.5 m (touching or nested
# objects are skipped; a 2 cm jitter stays within the 5 % numeric tolerance).
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task ref_abs_distance
  modality video
  params a: Ref, b: Category
  where nameable(b) and seen(a) and seen(the(b)) and gap(a, the(b)) >= 0.5m
  ask "Measured between their closest points, how far apart are the {a} and the {b}, in meters?"
  ask "What is the shortest distance between the {a} and the {b}? Answer in meters."
  ask "How many meters separate the nearest points of the {a} and the {b}?"
  answer round(gap(a, the(b)) in m, 2)
