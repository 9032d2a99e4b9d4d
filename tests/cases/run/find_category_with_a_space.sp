# scene: scenes/handmade.json
# expect: 1
# how: "dining table" folds to the category DiningTable: the one table
answer count(find("dining table"))
