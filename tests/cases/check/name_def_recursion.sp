def depth_of(n: Int) -> Int: if n <= 0 then 0 else 1 + depth_of(n - 1)
def helper(x: Length) -> Length: later(x)
def later(x: Length) -> Length: x * 2
answer later(1m) in cm
