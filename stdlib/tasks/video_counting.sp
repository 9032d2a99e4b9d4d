# Asks how many objects of a category appear in the video (instances seen in at least one
# frame). Mirrors SPRITE video "object counting".
# Guard: at least one instance is seen.
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def shown(a: Str) -> Objects: filter(objects, o => o.category == a and seen(o))

task video_counting
  modality video
  params a: Category
  where not structural(a) and count(shown(a)) >= 1
  ask "How many objects of type {a} appear in the video?"
  ask "Count the distinct {a} objects that are shown over the course of the video."
  ask "Throughout this video, how many different instances of {a} can be seen?"
  answer count(shown(a))
