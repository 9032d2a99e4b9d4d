answer count(filter(objects, o => any(objects, p => co_visible(o, p))))
