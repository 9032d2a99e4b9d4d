let key = o => o.height
answer argmax("Chair", key)
