# scene: scenes/handmade.json
# expect: chair_a
# how: find ignores case, spaces, _ and -: "RED_chair" is chair_a's label "red chair"
answer the("RED_chair").id
