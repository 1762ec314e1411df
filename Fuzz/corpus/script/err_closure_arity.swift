let r = [1, 2].map { a, b in a + b }
// expect-error: 1:20: closure expects 1 argument, but 2 are used in its body
