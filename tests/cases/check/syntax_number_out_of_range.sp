let big = 1e999
let huge = 123456789012345678901234567890
answer big + huge
