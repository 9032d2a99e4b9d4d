answer frame(sum(filter(objects, o => o.height > 50m), o => first_seen(o))).time
