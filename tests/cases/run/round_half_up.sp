# scene: scenes/handmade.json
# expect: 3
# how: language.md: round halves away from zero
answer round(2.5)
