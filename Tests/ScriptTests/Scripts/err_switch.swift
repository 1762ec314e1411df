// Swift statements cells do not have say what to write instead.
let x = 2
switch x {
// expect-error: 3:1: 'switch' is not supported in cells; write an 'if x == a { ... } else if x == b { ... } else { ... }' chain instead
