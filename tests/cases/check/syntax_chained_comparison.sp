let mug = the("Mug")
answer 0.5m < mug.top < 1.2m
