def close(a: Object, a: Object) -> Bool: gap(a, a) < 10cm
def close(x: Object, y: Object) -> Bool: gap(x, y) < 5cm
answer close(the("Sink"), the("Fridge"))
