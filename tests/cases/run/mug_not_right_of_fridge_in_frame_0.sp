# scene: scenes/handmade.json
# expect: no
# how: in frame 0 the mug is 3 m left of the fridge (see mug_left_of_fridge_in_frame_0)
answer right_of(the("Mug"), the("Fridge"), frame(0))
