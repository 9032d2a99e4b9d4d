answer distance
