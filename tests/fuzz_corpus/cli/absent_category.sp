# issue 14: a category the scene lacks; show must still draw (exit 1)
question "How many sofas are there?"
answer count("Sofa")
