let name = "Stove\tBurner"
let other = "C:\path"
answer count(find(name)) + count(find(other))
