for (a, b) in [1, 2] { print(a) }
// expect-error: 1:1: cannot destructure value of type 'Int' into 2 names
