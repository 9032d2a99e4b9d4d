answer count(filter(objects, o => o.height > 1m)


