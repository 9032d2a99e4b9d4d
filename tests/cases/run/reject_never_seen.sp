# scene: scenes/handmade.json
# expect: rejected [NotSeen] at 4:8: Egg is never seen
# how: no frame sees the egg (it is inside the fridge)
answer first_seen(the("Egg"))
