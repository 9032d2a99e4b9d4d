# Asks which of two objects in the image is closer to (or farther from) the camera, by
# camera-to-centre distance. Mirrors SPRITE image "object distance to camera, relative".
# means: the object whose bounding-box centre is nearer to (farther from) the camera centre
# Guards: both are clearly visible in the image; the two distances differ by at least 10 %
# and 0.15 m.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def apart(x: Length, y: Length) -> Bool: max(x, y) >= 1.1 * min(x, y) and abs(x - y) >= 0.15m

task image_camera_distance_rel
  modality image
  params f: Frame, a: Ref, b: Category, rel: one of ["closer to", "farther from"]
  where nameable(b) and a != the(b) and clearly_visible(a, f) and clearly_visible(the(b), f) and apart(camera_distance(a, f), camera_distance(the(b), f))
  ask "Measuring to their centers, which is {rel} the camera: the {a} or the {b}?"
  ask "In this image, which is {rel} the viewer, measured to the center of each: the {a} or the {b}?"
  ask "Of the {a} and the {b}, which one is {rel} the camera that took this picture (camera to object center)?"
  choices [a, the(b)]
  answer if (camera_distance(a, f) < camera_distance(the(b), f)) == (rel == "closer to") then a else the(b)
