# scene: scenes/handmade.json
# expect: 1.3
# how: 1.25 halfway between 1.2 and 1.3 rounds away from zero, exactly (decimal rounding)
answer round(1.25, 1)
