# scene: scenes/handmade.json
# expect: yes
# how: the egg's box (x, y 0.975..1.025, z 0.97..1.03) lies within the fridge's (x 0.65..1.35,
#   y 0.6..1.4, z 0..1.8)
answer inside(the("Egg"), the("Fridge"))
