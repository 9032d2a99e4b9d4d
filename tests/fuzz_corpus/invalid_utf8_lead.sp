let s = "Ã("
answer s
