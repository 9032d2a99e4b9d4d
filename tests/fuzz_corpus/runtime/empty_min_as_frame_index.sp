answer frame(min(filter(find("Mug"), o => o.height > 5m), o => first_seen(o))).time
