# scene: scenes/handmade.json
# expect: yes
# how: the lamp (z 2.4..2.6) is wholly higher than the table (z 0..0.75) and their footprints
#   overlap (both centred at x 5, y 4)
answer above(the("Lamp"), the("DiningTable"))
