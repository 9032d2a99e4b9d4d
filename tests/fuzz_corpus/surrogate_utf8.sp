answer "í €"
