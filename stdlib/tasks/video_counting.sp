# Asks how many objects of a category appear in the video (instances seen in at least one
# frame). Mirrors SPRITE video "object counting".
# means: the number of objects of category a clearly visible (fraction >= 0.3, >= 32 px) in at least one frame
# Guards: at least one instance is clearly seen, and every instance that can be seen at all
# (`seen`, fraction >= 0.1 in some frame) is clearly seen in some frame: an instance only
# ever glimpsed would leave a reader unsure whether to count it.
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def shown(a: Str) -> Objects: filter(objects, o => o.category == a and seen(o))
def clear(a: Str) -> Objects: filter(shown(a), o => clearly_seen(o))

task video_counting
  modality video
  params a: Category
  where not structural(a) and count(clear(a)) >= 1 and count(clear(a)) == count(shown(a))
  ask "How many {a:plural} appear in the video?"
  ask "Count the distinct {a:plural} that are shown over the course of the video."
  ask "Throughout this video, how many different {a:plural} can be seen?"
  answer count(clear(a))
