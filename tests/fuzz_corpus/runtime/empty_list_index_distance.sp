answer distance([][0], the("Fridge"))
