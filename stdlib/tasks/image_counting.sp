# Asks how many objects of a category are visible in the image. Mirrors SPRITE image
# "object counting" (counting by category, so repeated categories are welcome).
# Guard: at least one is visible (a zero count asks about something not in the picture).
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def shown(f: Frame, a: Str) -> Objects: filter(in_view(f), o => o.category == a)

task image_counting
  modality image
  params f: Frame, a: Category
  where not structural(a) and count(shown(f, a)) >= 1
  ask "How many objects of type {a} are visible in this image?"
  ask "Count the {a} objects you can see in the picture."
  ask "In this view, how many instances of {a} appear?"
  answer count(shown(f, a))
