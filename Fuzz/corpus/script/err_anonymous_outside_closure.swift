let a = $0 + 1
// expect-error: 1:9: anonymous closure argument '$0' is not contained in a closure
