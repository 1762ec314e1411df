let (a, b) = [1, 2, 3]
// expect-error: 1:14: cannot destructure a value of type '[Int]' into 2 names
