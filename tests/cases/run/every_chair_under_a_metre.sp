# scene: scenes/handmade.json
# expect: yes
# how: both chairs are 0.9 m tall
answer all("Chair", o => o.height < 1m)
