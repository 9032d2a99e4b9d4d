# Asks whether two objects are ever in view at the same time (some frame shows both).
# Mirrors SPRITE video "co-visible objects".
# Guard: both are seen in the video (otherwise the answer is a trivial "no").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_co_visible
  modality video
  params a: Category, b: Category
  where a != b and nameable(a) and nameable(b) and seen(the(a)) and seen(the(b))
  ask "Is there a moment in the video when the {a} and the {b} are both in view?"
  ask "Do the {a} and the {b} ever appear together in the same frame of the video?"
  ask "Does any single frame of this video show both the {a} and the {b}?"
  answer co_visible(the(a), the(b))
