answer len(map(frames, f => round(f.time + 0.1, 1000)))
