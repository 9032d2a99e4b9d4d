# Asks how many objects of a category are visible in the image. Mirrors SPRITE image
# "object counting" (counting by category, so repeated categories are welcome).
# means: the number of objects of category a clearly visible in the image (visible fraction >= 0.3 and >= 32 px)
# Guards: at least one is clearly visible (a zero count asks about something not in the
# picture), and every instance that can be seen at all (`visible`, fraction >= 0.1) is
# clearly visible: a half-hidden or tiny instance would leave a reader unsure whether to
# count it, so such images are not asked about.
def structural(c: Str) -> Bool: c == "Floor" or c == "Wall" or c == "Ceiling"
def shown(f: Frame, a: Str) -> Objects: filter(in_view(f), o => o.category == a)
def clear(f: Frame, a: Str) -> Objects: filter(shown(f, a), o => clearly_visible(o, f))

task image_counting
  modality image
  params f: Frame, a: Category
  where not structural(a) and count(clear(f, a)) >= 1 and count(clear(f, a)) == count(shown(f, a))
  ask "How many {a:plural} are visible in this image?"
  ask "Count the {a:plural} you can see in the picture."
  ask "In this view, how many {a:plural} appear?"
  answer count(clear(f, a))
