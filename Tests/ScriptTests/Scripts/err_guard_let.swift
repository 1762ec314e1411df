// 'guard let' as well as 'if let' and 'while let'.
let xs = [1, 2]
guard let x = xs.first else { print("empty") }
// expect-error: 3:7: 'guard let' is not supported in cells; there are no optionals to unwrap: test the value itself instead, as in 'guard !xs.isEmpty { let x = xs[0] ... }'
