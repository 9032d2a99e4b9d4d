# scene: scenes/handmade.json
# expect: yes
# how: the mug's bottom (0.8 - 0.05 = 0.75) is the table's top (0.75) and its footprint lies
#   inside the table's
answer on(the("Mug"), the("DiningTable"))
