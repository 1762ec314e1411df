let r = min(1, 2, 3, 4, 5)
// expect-error: 1:25: extra argument in call
