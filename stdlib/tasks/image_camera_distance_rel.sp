# Asks which of two objects in the image is closer to (or farther from) the camera, by
# camera-to-centre distance. Mirrors SPRITE image "object distance to camera, relative".
# Guard: the two distances differ by at least 10 % and 0.15 m.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def apart(x: Length, y: Length) -> Bool: max(x, y) >= 1.1 * min(x, y) and abs(x - y) >= 0.15m

task image_camera_distance_rel
  modality image
  params f: Frame, a: Ref, b: Category, rel: one of ["closer to", "farther from"]
  where nameable(b) and a != the(b) and visible(a, f) and visible(the(b), f) and apart(camera_distance(a, f), camera_distance(the(b), f))
  ask "Which is {rel} the camera: the {a} or the {b}?"
  ask "In this image, which object is {rel} the viewer, the {a} or the {b}?"
  ask "Of the {a} and the {b}, which one is {rel} the camera that took this picture?"
  choices [a, the(b)]
  answer if (camera_distance(a, f) < camera_distance(the(b), f)) == (rel == "closer to") then a else the(b)
