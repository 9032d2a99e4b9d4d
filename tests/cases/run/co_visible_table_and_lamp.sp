# scene: scenes/handmade.json
# expect: yes
# how: frame 0 sees both
answer co_visible(the("DiningTable"), the("Lamp"))
