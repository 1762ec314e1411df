return 5
// expect-error: 1:1: 'return' is only allowed inside a function or closure
