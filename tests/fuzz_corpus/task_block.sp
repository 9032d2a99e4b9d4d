task object_abs_distance
  modality video
  params a: Category, b: Category
  answer round(distance(the(a), the(b)) in m, 2)
