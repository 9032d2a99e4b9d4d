# scene: scenes/handmade.json
# expect: yes
# how: depths in frame 0: chair_a 2.5 m, chair_b 7.5 m
answer closer(the("red chair"), the(minus("Chair", "red chair")), frame(0))
