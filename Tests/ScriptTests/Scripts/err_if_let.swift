// Optional binding has nothing to unwrap in cells; the error says what to write.
let xs = [1, 2]
if let x = xs.first {
// expect-error: 3:4: 'if let' is not supported in cells; there are no optionals to unwrap: test the value itself instead, as in 'if !xs.isEmpty { let x = xs[0] ... }'
