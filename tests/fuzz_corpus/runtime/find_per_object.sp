answer count(filter(objects, o => count(find(o.category)) == 1))
