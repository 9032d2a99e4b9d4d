answer distance(vec(1e300m, 0m, 0m), vec(-1e300m, 0m, 0m))
