answer map(frames, f => count(in_view(f)))
