answer count(objects)
