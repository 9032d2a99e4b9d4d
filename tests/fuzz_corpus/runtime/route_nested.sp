answer len(map(frames, f => len(map(frames, g => len(route(f, g))))))
