let chairs = find("Chair")
let n = count(chairs) +
answer n
