question "How much taller is the tallest chair than the average chair, in centimeters?"
let chairs = find("Chair")
assert count(chairs) >= 2 else "needs two chairs"
let tallest = argmax(chairs, c => c.height)
let lowest = min(chairs, c => c.height)
let highest = max(chairs, c => c.top)
let total = sum(chairs, c => c.volume)
let average = mean(chairs, c => c.height)
let spread = max(highest - lowest, 0m)
let offset = norm(tallest.center - vec(0m, 0m, 1.5m))
let angle = view_bearing(tallest, frame(0))
assert total > 0m3 and offset >= 0m and abs(angle) <= 180deg else "degenerate chairs"
answer round(tallest.height - average in cm, 1)
