answer "[2J[H cleared" + 1
