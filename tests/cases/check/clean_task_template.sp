task object_abs_distance
  modality video
  params a: Category, b: Category
  where a != b and count(find(a)) == 1 and count(find(b)) == 1 and seen(the(a)) and seen(the(b))
  ask "What is the distance between the {a} and the {b}, in meters?"
  ask "How far apart are the {a} and the {b}? Answer in meters."
  answer round(distance(the(a), the(b)) in m, 2)
