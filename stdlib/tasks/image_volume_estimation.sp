# Asks for the volume of an object's bounding box in cubic metres. Mirrors SPRITE image
# "object volume estimation".
# Only objects of at least 0.01 m³ (10 litres), so the answer rounded to 0.001 m³ keeps two
# significant digits; sizes do not move under centre jitter.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1

task image_volume_estimation
  modality image
  params f: Frame, a: Category
  where nameable(a) and visible(the(a), f) and the(a).volume >= 0.01m3
  ask "What is the volume of the {a}'s bounding box in this image, in cubic meters?"
  ask "Estimate how much space the {a} in the picture occupies (its bounding box), in cubic meters."
  ask "In cubic meters, roughly what volume does the {a} shown here take up?"
  answer round(the(a).volume in m3, 3)
