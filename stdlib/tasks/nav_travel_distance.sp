# Asks how far the camera travelled between two frames along its path (sum of the
# horizontal steps between consecutive frames, `travel`), in metres. Navigation: camera
# motion (travelled distance).
# means: travel(f1, f2): sum of the horizontal distances between consecutive camera positions from f1 to f2 (the path length, not the straight line), metres, 1 decimal
# Guard: at least 0.5 m travelled.
task nav_travel_distance
  modality video
  params f1: Frame, f2: Frame
  where f1.index < f2.index and travel(f1, f2) >= 0.5m
  ask "How far did the camera travel along its path between frame {f1} and frame {f2}, in meters?"
  ask "What distance, in meters, does the camera cover along its path from frame {f1} to frame {f2}?"
  ask "Following the camera's path from frame {f1} to frame {f2}, how many meters does it move in total?"
  answer round(travel(f1, f2) in m, 1)
