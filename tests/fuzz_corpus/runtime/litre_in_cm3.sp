answer 1L in cm3
