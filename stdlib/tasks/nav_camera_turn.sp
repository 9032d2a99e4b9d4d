# Asks for the net change of the camera's horizontal heading between two frames, in
# degrees, left turns positive (`turn`, language.md §5). Navigation: camera motion (turn).
# Guard: the net turn is between 10° and 170° either way (a turn near 180° has no stable
# sign; one under 10° is not a turn).
task nav_camera_turn
  modality video
  params f1: Frame, f2: Frame
  where f1.index < f2.index and abs(turn(f1, f2)) >= 10deg and abs(turn(f1, f2)) <= 170deg
  ask "By how many degrees did the camera's heading change from frame {f1} to frame {f2}? Count turns to the left as positive and turns to the right as negative."
  ask "Between frame {f1} and frame {f2}, how far did the camera rotate horizontally, in degrees (positive = left, negative = right)?"
  ask "What is the camera's net turn from frame {f1} to frame {f2} in degrees, with left turns positive and right turns negative?"
  answer round(turn(f1, f2) in deg)
