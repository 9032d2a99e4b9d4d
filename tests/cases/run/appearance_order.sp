# scene: scenes/handmade.json
# expect: DiningTable, Mug
# how: the table first appears in frame 0, the mug in frame 1
answer appearance_order([the("Mug"), the("DiningTable")])
