# scene: scenes/handmade.json
# expect: rejected [AssertionFailed] at 4:1: expected three chairs
# how: the scene has two chairs, not three
assert count("Chair") == 3 else "expected three chairs"
answer 1
