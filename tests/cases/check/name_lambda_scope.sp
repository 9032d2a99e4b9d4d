let tall = filter(objects, o => o.height > 1m)
let low = filter(objects, p => o.height < 0.5m)
answer count(tall) + count(low) + count(filter(objects, q => q.top > p.top))
