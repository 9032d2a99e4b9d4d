let label = "cafÃ©"
answer "ÿş bad bytes"
