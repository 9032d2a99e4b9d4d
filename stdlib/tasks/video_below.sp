# Asks whether one object is below another, both seen in the video (language.md `below`).
# Mirrors SPRITE video "object below".
# Guards: horizontally close pair (centres within 1.5 m) at clearly different heights
# (centres 15 cm or more apart vertically).
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_below
  modality video
  params a: Category, b: Category
  where a != b and nameable(a) and nameable(b) and seen(the(a)) and seen(the(b)) and horizontal_distance(the(a), the(b)) <= 1.5m and abs(the(a).center.z - the(b).center.z) >= 0.15m
  ask "Is the {a} below the {b}?"
  ask "In this video, is the {a} underneath the {b}?"
  ask "Is the {a} positioned below the {b}? Answer yes or no."
  answer below(the(a), the(b))
