# scene: scenes/handmade.json
# expect: yes
# how: the lamp's centre (z 2.5) is higher than the mug's (z 0.8)
answer higher(the("Lamp"), the("Mug"))
