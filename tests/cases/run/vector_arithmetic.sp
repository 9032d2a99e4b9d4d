# scene: scenes/handmade.json
# expect: 7 m
# how: z of (1, 2, 2) is 2; the norm of (3, 4, 0) is 5; 2 + 5 = 7
answer vec(1m, 2m, 2m).z + norm(vec(3m, 4m, 0m))
