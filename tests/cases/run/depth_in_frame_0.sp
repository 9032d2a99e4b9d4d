# scene: scenes/handmade.json
# expect: 7.5 m
# how: frame 0 looks +x from (0.5, 4, 1.5): chair_b's centre (8, 4) is 7.5 m ahead
answer depth(the(minus("Chair", "red chair")), frame(0))
