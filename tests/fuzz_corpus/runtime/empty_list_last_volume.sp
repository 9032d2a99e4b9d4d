answer last([]).volume
