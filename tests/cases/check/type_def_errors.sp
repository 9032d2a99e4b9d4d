def height_cm(o: Object) -> Length: o.height in cm
def ratio(a: Length, b: Length) -> Number: a / b
def bad_param(o: Thing) -> Bool: true
answer ratio(1m, 2) + ratio(the("Sofa"), 1m)
