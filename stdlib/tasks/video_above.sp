# Asks whether one object is above another, both seen in the video (language.md `above`).
# Mirrors SPRITE video "object above".
# Guards: horizontally close pair (centres within 1.5 m) at clearly different heights
# (centres 15 cm or more apart vertically).
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_above
  modality video
  params a: Category, b: Category
  where a != b and nameable(a) and nameable(b) and seen(the(a)) and seen(the(b)) and horizontal_distance(the(a), the(b)) <= 1.5m and abs(the(a).center.z - the(b).center.z) >= 0.15m
  ask "Is the {a} above the {b}?"
  ask "In this video, is the {a} located directly over the {b}?"
  ask "Is the {a} positioned above the {b}? Answer yes or no."
  answer above(the(a), the(b))
