# Asks for the bounding-box volume of an object seen in the video, in cubic metres.
# Mirrors SPRITE video "object volume estimation".
# means: volume of A's bounding box (product of its three extents), m³, 3 decimals
# Guards: the object is clearly visible in some frame; only objects of at least 0.01 m³,
# so the answer to 0.001 m³ keeps two significant digits.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
task video_volume_estimation
  modality video
  params a: Ref
  where clearly_seen(a) and a.volume >= 0.01m3
  ask "What is the volume of the bounding box of the {a}, in cubic meters?"
  ask "Estimate how much space the bounding box of the {a} in the video takes up, in cubic meters."
  ask "In cubic meters, what is the volume of the box that just encloses the {a}?"
  answer round(a.volume in m3, 3)
