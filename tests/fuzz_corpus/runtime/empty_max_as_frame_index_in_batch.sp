answer len(map(frames, f => frame(max(filter(in_view(f), o => o.height > 5m), o => last_seen(o))).index))
