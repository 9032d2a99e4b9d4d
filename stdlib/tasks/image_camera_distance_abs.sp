# Asks how far an object is from the camera (centre of the camera to centre of the object),
# in metres. Mirrors SPRITE image "object distance to camera, absolute".
# means: distance from the camera centre to the object's bounding-box centre, metres, 2 decimals
# Guards: the object is clearly visible in the image and at least 0.5 m away (closer objects
# fill the view and have no useful centre).
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
task image_camera_distance_abs
  modality image
  params f: Frame, a: Ref
  where clearly_visible(a, f) and camera_distance(a, f) >= 0.5m
  ask "How far is the center of the {a} from the camera in this image, in meters?"
  ask "Estimate the distance between the camera and the center of the {a}. Answer in meters."
  ask "In meters, how far from the viewer is the center of the {a} in this picture?"
  answer round(camera_distance(a, f) in m, 2)
