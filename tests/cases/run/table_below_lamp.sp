# scene: scenes/handmade.json
# expect: yes
# how: below(a, b) is above(b, a): the lamp is above the table
answer below(the("DiningTable"), the("Lamp"))
