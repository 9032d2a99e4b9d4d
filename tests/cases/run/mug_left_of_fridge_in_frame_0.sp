# scene: scenes/handmade.json
# expect: yes
# how: in frame 0 (right = -y) the mug at y 4 is 3 m left of the fridge at y 1
answer left_of(the("Mug"), the("Fridge"), frame(0))
