# issue 14: NoMatch must name what was looked for
answer the(filter(find("Chair"), o => o.height > 5m)).height
