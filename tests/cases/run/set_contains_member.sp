# scene: scenes/handmade.json
# expect: yes
# how: chair_a is a Chair
answer contains("Chair", the("red chair"))
