answer [1, 2, (3]
