answer "À¯"
