# Asks how many objects of a category the room holds, from a video of it. Mirrors VSI-Bench
# "object count".
# means: the number of objects of category a in the room, every one of them clearly visible (fraction >= 0.3, >= 32 px) in some frame
# Guard: every instance of the category is clearly seen in the video, so the video really
# shows the answer and no instance is only glimpsed (unlike video_counting, which counts
# what is seen, this asks about the room).
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def instances(a: Str) -> Objects: filter(objects, o => o.category == a)

task vsi_object_count
  modality video
  params a: Category
  where not structural(a) and count(instances(a)) >= 1 and all(instances(a), o => clearly_seen(o))
  ask "How many {a:plural} are there in this room?"
  ask "Counting every one you see in the video, how many {a:plural} does the room contain?"
  ask "What is the total number of {a:plural} in the room shown in the video?"
  answer count(instances(a))
