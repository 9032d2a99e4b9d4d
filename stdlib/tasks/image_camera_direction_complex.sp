# Imagine standing at object B and facing the way the camera looks: is object A to the
# front-left, front-right, back-left or back-right? ("front" = farther from the camera along
# its horizontal viewing direction, "left" = left in the picture.) Mirrors SPRITE image
# "object direction relative to the camera, complex" (quadrants).
# means: quadrant of A's centre seen from B's centre, facing the camera's horizontal viewing direction (direction(..., sectors=4))
# The camera's horizontal viewing direction is read off the view itself: its world x and y
# components are the depths of the points one metre along world x and y from the camera.
# Guards: A and B are clearly visible in the image and at least 0.3 m apart horizontally;
# the bearing is at least 10° away from every quadrant boundary; a camera looking straight
# down is `Degenerate` and dropped.
# `a` is a `Ref`: an object of a single-instance category by its name, or one of a
# repeated category by a verified referring expression ("the chair nearest the window").
def nameable(c: Str) -> Bool: c != "Floor" and c != "Wall" and c != "Ceiling" and count(find(c)) == 1
def forward(f: Frame) -> Vec3: vec(depth(f.position + vec(1m, 0m, 0m), f), depth(f.position + vec(0m, 1m, 0m), f), 0m)
def off_axes(b: Angle) -> Bool: abs(b) >= 10deg and abs(b) <= 170deg and abs(abs(b) - 90deg) >= 10deg

task image_camera_direction_complex
  modality image
  params f: Frame, a: Ref, b: Category
  where nameable(b) and a != the(b) and clearly_visible(a, f) and clearly_visible(the(b), f) and horizontal_distance(a, the(b)) >= 0.3m and off_axes(bearing(the(b), the(b).center + forward(f), a))
  ask "Picture yourself at the {b}, facing the same way as the camera. Is the {a} to your front-left, front-right, back-left or back-right?"
  ask "Relative to the {b} and the camera's viewing direction, where is the {a}: front-left, front-right, back-left or back-right? (Front means farther from the camera.)"
  ask "Standing at the {b} and looking in the direction the camera faces, in which quadrant is the {a}: front-left, front-right, back-left or back-right?"
  choices ["front-left", "front-right", "back-left", "back-right"]
  answer direction(the(b), the(b).center + forward(f), a, sectors=4)
