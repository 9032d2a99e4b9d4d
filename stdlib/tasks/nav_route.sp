# Asks for the camera's path between two frames as step-by-step instructions ("turn left 90
# degrees, go forward 2.0 meters, ..."; `route`, language.md §5). Open-ended navigation
# instruction task (SPRITE navigation; the frame-to-frame form of VSI-Bench route plan).
# means: route(f1, f2): the camera's path from frame f1's pose to frame f2's as turns (left/right, whole degrees) and forward moves (0.1 m)
# Every paraphrase says the answer follows the camera's own path through the frames in
# between: "instructions that take you from frame f1's pose to f2's" also reads as the
# direct way there, which is another answer whenever the camera did not walk straight.
# Guards: f2 comes after f1 and the route has 1 to 6 steps.
task nav_route
  modality video
  params f1: Frame, f2: Frame
  where f1.index < f2.index and len(route(f1, f2)) >= 1 and len(route(f1, f2)) <= 6
  ask "Describe how the camera moves from frame {f1} to frame {f2} as a list of turns (in degrees) and forward moves (in meters)."
  ask "Give walking instructions, with turns in degrees and distances in meters, that retrace the camera's path from its pose in frame {f1}, through each frame in between, to its pose in frame {f2}."
  ask "What route did the camera follow between frame {f1} and frame {f2}? Answer with turns in degrees and forward moves in meters."
  answer route(f1, f2)
