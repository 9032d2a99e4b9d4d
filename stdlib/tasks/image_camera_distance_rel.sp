# Asks which of two objects in the image is closer to (or farther from) the camera, by
# camera-to-centre distance. Mirrors SPRITE image "object distance to camera, relative".
# Guard: the two distances differ by at least 10 % and 0.15 m.
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def apart(x: Length, y: Length) -> Bool: max(x, y) >= 1.1 * min(x, y) and abs(x - y) >= 0.15m

task image_camera_distance_rel
  modality image
  params f: Frame, a: Category, b: Category, rel: one of ["closer to", "farther from"]
  where a != b and nameable(a) and nameable(b) and visible(the(a), f) and visible(the(b), f) and apart(camera_distance(the(a), f), camera_distance(the(b), f))
  ask "Which is {rel} the camera: the {a} or the {b}?"
  ask "In this image, which object is {rel} the viewer, the {a} or the {b}?"
  ask "Of the {a} and the {b}, which one is {rel} the camera that took this picture?"
  choices [the(a), the(b)]
  answer if (camera_distance(the(a), f) < camera_distance(the(b), f)) == (rel == "closer to") then the(a) else the(b)
