// Optional chaining has nothing to chain through; the error says what to write.
let xs = [1, 2]
let y = xs.first?.description
// expect-error: 3:17: cells have no optionals, so there is nothing to unwrap with '?': write the expression without it (an empty array's 'first' or 'last' is an error, not nil)
