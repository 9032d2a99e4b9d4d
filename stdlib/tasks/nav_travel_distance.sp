# Asks how far the camera travelled between two frames along its path (sum of the
# horizontal steps between consecutive frames, `travel`), in metres. Navigation: camera
# motion (travelled distance).
# Guard: at least 0.5 m travelled.
task nav_travel_distance
  modality video
  params f1: Frame, f2: Frame
  where f1.index < f2.index and travel(f1, f2) >= 0.5m
  ask "How far did the camera travel between frame {f1} and frame {f2}, in meters?"
  ask "What distance, in meters, does the camera cover along its path from frame {f1} to frame {f2}?"
  ask "Following the camera's path from frame {f1} to frame {f2}, how many meters does it move?"
  answer round(travel(f1, f2) in m, 1)
