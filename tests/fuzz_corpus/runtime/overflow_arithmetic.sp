answer 1e308 * 10
