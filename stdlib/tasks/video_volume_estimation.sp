# Asks for the bounding-box volume of an object seen in the video, in cubic metres.
# Mirrors SPRITE video "object volume estimation".
# Only objects of at least 0.01 m³, so the answer to 0.001 m³ keeps two significant digits.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
task video_volume_estimation
  modality video
  params a: Ref
  where seen(a) and a.volume >= 0.01m3
  ask "What is the volume of the bounding box of the {a}, in cubic meters?"
  ask "Estimate how much space the {a} in the video takes up (its bounding box), in cubic meters."
  ask "In cubic meters, roughly what volume does the {a} occupy?"
  answer round(a.volume in m3, 3)
