let a = (1 + )
// expect-error: 1:14: expected an expression, found ')'
