answer map(frames, f => len(route(frame(0), f)))
