# Asks which sequence of moves takes the camera from where it was in one frame to where it
# is in a later frame; multiple choice. Mirrors VSI-Bench "route plan", posed between two
# camera poses of the video (`route`, language.md §5).
# means: route(f1, f2): the camera's path from frame f1's pose to frame f2's as turns (left/right, whole degrees) and forward moves (0.1 m)
# Distractors are related trips: the reverse trip, the trip from the first frame, and the
# trip to the last frame. Guards: f2 comes after f1, the start is not the first frame and
# the end not the last (so the distractors start or end elsewhere), and the route has 2 to 6
# steps (a single turn or a single stretch is no plan; longer ones are hard to read).
task vsi_route_plan
  modality video
  params f1: Frame, f2: Frame
  where f1.index < f2.index and f1 != frame(0) and f2 != frame(-1) and len(route(f1, f2)) >= 2 and len(route(f1, f2)) <= 6
  ask "Which sequence of moves takes you from the camera position in frame {f1} to the camera position in frame {f2}?"
  ask "Starting where the camera was at frame {f1} and facing the same way, which instructions bring you to the viewpoint of frame {f2}?"
  ask "How do you get from the viewpoint of frame {f1} to the viewpoint of frame {f2}? Pick the correct route."
  choices [route(f1, f2), route(f2, f1), route(frame(0), f2), route(f1, frame(-1))]
  answer route(f1, f2)
