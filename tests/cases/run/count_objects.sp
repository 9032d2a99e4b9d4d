# scene: scenes/handmade.json
# expect: 7
# how: the scene holds seven objects: table, mug, chair_a, chair_b, fridge, egg, lamp
answer count(objects)
