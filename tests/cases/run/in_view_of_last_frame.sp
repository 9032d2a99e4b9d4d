# scene: scenes/handmade.json
# expect: 1
# how: frame(-1) is the last frame, 2, which sees only the mug
answer count(in_view(frame(-1)))
