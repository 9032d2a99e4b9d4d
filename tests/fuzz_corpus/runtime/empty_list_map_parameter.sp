answer len(map([], x => x.label))
