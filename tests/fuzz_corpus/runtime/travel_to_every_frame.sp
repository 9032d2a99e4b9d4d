answer map(frames, f => round(travel(frame(0), f) in m, 1))
