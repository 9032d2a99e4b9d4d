# Asks for the bounding-box volume of an object seen in the video, in cubic metres.
# Mirrors SPRITE video "object volume estimation".
# Only objects of at least 0.01 m³, so the answer to 0.001 m³ keeps two significant digits.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task video_volume_estimation
  modality video
  params a: Category
  where nameable(a) and seen(the(a)) and the(a).volume >= 0.01m3
  ask "What is the volume of the {a}'s bounding box, in cubic meters?"
  ask "Estimate how much space the {a} in the video takes up (its bounding box), in cubic meters."
  ask "In cubic meters, roughly what volume does the {a} occupy?"
  answer round(the(a).volume in m3, 3)
