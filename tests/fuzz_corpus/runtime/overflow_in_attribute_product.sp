answer the("Fridge").volume * 1e308 * 1e308
