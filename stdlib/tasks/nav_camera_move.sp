# Asks in which direction the camera moved between two frames, relative to where it was
# facing in the first (`move` is in the first frame's body frame: x forward, y left), as
# one of eight directions. Navigation: camera motion (move direction).
# means: eight-way sector of the horizontal displacement from the camera position of frame f1 to that of f2, relative to the heading in f1 (front = ±22.5°)
# Guards: the camera moved at least 0.3 m horizontally; the direction of the move is at
# least 7.5° away from every boundary of the eight sectors (±22.5°, ±67.5°, ±112.5°,
# ±157.5°). The move's vertical part is ignored (`bearing` works in the x-y plane).
def heading(f1: Frame, f2: Frame) -> Angle: bearing(vec(0m, 0m, 0m), vec(1m, 0m, 0m), move(f1, f2))
def off8(b: Angle) -> Bool: abs(abs(b) - 22.5deg) >= 7.5deg and abs(abs(b) - 67.5deg) >= 7.5deg and abs(abs(b) - 112.5deg) >= 7.5deg and abs(abs(b) - 157.5deg) >= 7.5deg

task nav_camera_move
  modality video
  params f1: Frame, f2: Frame
  where f1.index < f2.index and horizontal_distance(f1.position, f2.position) >= 0.3m and off8(heading(f1, f2))
  ask "Relative to the way the camera faced in frame {f1}, in which direction did it move to reach its position in frame {f2}?"
  ask "Seen from where the camera stood in frame {f1} and the way it faced, in which direction does its position in frame {f2} lie (front, front-left, left, back-left, back, back-right, right or front-right)?"
  ask "Taking the camera's heading at frame {f1} as forward, in which direction does its position at frame {f2} lie?"
  choices ["front", "front-left", "left", "back-left", "back", "back-right", "right", "front-right"]
  answer direction(vec(0m, 0m, 0m), vec(1m, 0m, 0m), move(f1, f2), sectors=8)
