for i in 0..<3 {
    print(i)
// expect-error: 1:16: expected '}' at end of block, found end of cell
