# Asks for the net change of the camera's horizontal heading between two frames, in
# degrees, left turns positive (`turn`, language.md §5). Navigation: camera motion (turn).
# means: turn(f1, f2): the signed angle from the camera's horizontal facing direction in f1 to that in f2, wrapped to (-180, 180], left positive, whole degrees — not the sum of the turns made in between
# The questions compare the two facing directions only: a camera that turned 270° left
# frame by frame faces 90° to the right of where it started, and the answer is -90.
# Guard: the net turn is between 10° and 170° either way (a turn near 180° has no stable
# sign; one under 10° is not a turn).
task nav_camera_turn
  modality video
  params f1: Frame, f2: Frame
  where f1.index < f2.index and abs(turn(f1, f2)) >= 10deg and abs(turn(f1, f2)) <= 170deg
  ask "Comparing only the camera's facing direction in frame {f1} with its facing direction in frame {f2}, by how many degrees does the second differ from the first? Give the smaller angle between them, positive if the second faces more to the left, negative if more to the right."
  ask "By what angle, between -180 and 180 degrees, is the camera's facing direction in frame {f2} rotated from its facing direction in frame {f1}? Left is positive, right negative; ignore how it turned in between."
  ask "What is the camera's net change of heading from frame {f1} to frame {f2}, in degrees between -180 and 180 (left positive, right negative), comparing just the two frames?"
  answer round(turn(f1, f2) in deg)
