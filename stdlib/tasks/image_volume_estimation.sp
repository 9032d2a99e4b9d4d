# Asks for the volume of an object's bounding box in cubic metres. Mirrors SPRITE image
# "object volume estimation".
# means: volume of A's bounding box (product of its three extents), m³, 3 decimals
# Guards: the object is clearly visible in the image; only objects of at least 0.01 m³
# (10 litres), so the answer rounded to 0.001 m³ keeps two significant digits; sizes do
# not move under centre jitter.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
task image_volume_estimation
  modality image
  params f: Frame, a: Ref
  where clearly_visible(a, f) and a.volume >= 0.01m3
  ask "What is the volume of the bounding box of the {a} in this image, in cubic meters?"
  ask "Estimate how much space the bounding box of the {a} in the picture occupies, in cubic meters."
  ask "In cubic meters, what is the volume of the box that just encloses the {a} shown here?"
  answer round(a.volume in m3, 3)
