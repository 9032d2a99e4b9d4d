# How many objects rest on a given support (`on`: the recorded support where the scene has
# one, else above it with the bottom within 5 cm of its top)? Compound, multi-step:
# relation filter over all objects, then count.
# means: the number of objects o with on(o, a): resting on A (A recorded as o's support where the source records one, else the geometric rule of language.md §5); objects inside A do not count
# Guards: the support and every object on it are clearly visible in some frame (a count of
# objects a viewer cannot make out is wrong), and it holds at least one object; no object
# without a recorded parent within 10 cm of the support has its bottom within 3 cm of
# either end of the resting tolerance (5 cm below or above the support's top), where
# jitter could change the count (a recorded parent does not move with the jitter).
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
# A towel holder or paper hanger holds what hangs from it: AI2-THOR records the towel "on"
# it, but "placed on top of the hand towel holder" → 1 reads wrong, so hangers are not asked.
def hanger(c: Str) -> Bool: c == "TowelHolder" or c == "HandTowelHolder" or c == "ToiletPaperHanger"
def on_top(a: Object) -> Objects: filter(objects, o => on(o, a))

task compound_count_on
  modality video
  params a: Ref
  where not hanger(a.category) and clearly_seen(a) and count(on_top(a)) >= 1 and all(on_top(a), o => clearly_seen(o)) and all(filter(objects, o => count(parents(o)) == 0 and near(o, a, within=0.1m)), o => abs(abs(o.bottom - a.top) - 5cm) >= 3cm)
  ask "How many objects are resting on the {a}, supported by it (not inside it)?"
  ask "Count the items placed on top of the {a}, resting on it."
  ask "What is the number of objects sitting on the {a}, held up by it rather than inside it?"
  answer count(on_top(a))
