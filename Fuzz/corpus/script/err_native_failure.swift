let r = vec(1, 2) / 0
// expect-error: 1:9: cannot divide a Vec by zero
