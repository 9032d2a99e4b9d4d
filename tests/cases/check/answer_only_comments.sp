# TODO: write the program
# answer 1
