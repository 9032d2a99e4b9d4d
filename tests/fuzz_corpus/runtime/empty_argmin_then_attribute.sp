answer argmin(filter(objects, o => o.volume > 1000m3), o => o.height).label
