# Asks for the distance between the centres of two objects seen in the video, in metres.
# Mirrors SPRITE video "object absolute distance" (synthesis.md's `object_abs_distance`).
# means: distance between the two objects' bounding-box centres, metres, 2 decimals
# Guards: both are clearly visible in at least one frame; the centres are at least 0.5 m
# apart, so a 2 cm jitter of each stays within the 5 % numeric tolerance of the stability
# check in all but rare cases.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_abs_distance
  modality video
  params a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_seen(a) and clearly_seen(the(b)) and distance(a, the(b)) >= 0.5m
  ask "What is the distance between the center of the {a} and the center of the {b}, in meters?"
  ask "How far apart are the centers of the {a} and the {b}? Answer in meters."
  ask "Measuring center to center, how many meters separate the {a} from the {b} in this video?"
  answer round(distance(a, the(b)) in m, 2)
