answer [[]][0][0]
