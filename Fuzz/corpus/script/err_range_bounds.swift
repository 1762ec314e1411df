for i in 5..<2 { print(i) }
// expect-error: 1:10: range requires lower bound <= upper bound (got 5..<2)
