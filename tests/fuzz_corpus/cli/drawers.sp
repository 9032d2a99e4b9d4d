# issue 14: a misspelt category answered 0 with exit 0 on FloorPlan301
answer count(filter(find("drawers"), o => o.height > 0m))
