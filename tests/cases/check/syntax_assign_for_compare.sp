let n = count("Chair")
answer if n = 4 then "four" else "not four"
