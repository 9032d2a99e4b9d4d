let counter = the("CounterTop")
let on_top = children(counter)
let holder = parents(the("Mug"))
let empty_holder = not exists(holder)
let inside_fridge = filter(objects, o => inside(o, the("Fridge")))
let between_ok = between(the("Table"), the("Sofa"), the("Television"), within=0.3m)
let stacked = above(the("Lamp"), the("Table")) and below(the("Table"), the("Lamp"))
let middle = horizontal_distance(the("Lamp"), the("Bed")) < room.length / 2
answer count(on_top) + count(inside_fridge) + len(labels(holder))
