# synthesis.md: the object_abs_distance template, instantiated with a = Fridge, b = Microwave.
question "What is the distance between the fridge and the microwave, in meters?"
assert count(find("Fridge")) == 1 and count(find("Microwave")) == 1 else "not unique"
assert seen(the("Fridge")) and seen(the("Microwave")) else "not seen in the video"
answer round(distance(the("Fridge"), the("Microwave")) in m, 2)
