# From the camera's viewpoint, is object A to the left or to the right of object B?
# Mirrors SPRITE image "object direction relative to the camera, simple".
# means: "left" iff A's centre has a smaller camera x than B's centre (left_of), i.e. A appears left of B in the picture
# The answer uses `left_of` (camera x of the centres). Guards: both are clearly visible in
# the image; the centres are at least 10 cm apart sideways in camera coordinates and 5° apart
# in view bearing, and the two agree, so the order in the picture matches the answer even
# when depths differ.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def separated(a: Object, b: Object, f: Frame) -> Bool: abs(to_camera(a, f).x - to_camera(b, f).x) >= 0.1m and abs(view_bearing(a, f) - view_bearing(b, f)) >= 5deg and left_of(a, b, f) == (view_bearing(a, f) > view_bearing(b, f))

task image_camera_direction_simple
  modality image
  params f: Frame, a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_visible(a, f) and clearly_visible(the(b), f) and separated(a, the(b), f)
  ask "From the camera's point of view, is the {a} to the left or to the right of the {b}?"
  ask "In this image, does the {a} appear to the left or to the right of the {b}?"
  ask "As seen by the camera, which side of the {b} is the {a} on: left or right?"
  choices ["left", "right"]
  answer if left_of(a, the(b), f) then "left" else "right"
