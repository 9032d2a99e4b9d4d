# scene: scenes/handmade.json
# expect: yes
# how: frame 1 records the fridge as visible (fraction 1.0)
answer visible(the("Fridge"), frame(1))
