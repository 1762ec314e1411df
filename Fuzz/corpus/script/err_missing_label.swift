print(forward(1, 2))
// expect-error: 1:18: missing argument label 't:' in call
