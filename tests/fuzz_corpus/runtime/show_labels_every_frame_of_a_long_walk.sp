answer len(map(objects, q => left_of(argmin(objects, o => o.volume).size * 1e308, argmax(objects, o => 0), frame(first_seen(q)))))
