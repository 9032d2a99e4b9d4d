let sofa = the("Sofa")
assert sofa.volume == 1m3 else "odd volume"
answer sofa.height == 1
