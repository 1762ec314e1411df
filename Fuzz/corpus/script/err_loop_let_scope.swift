for i in 0..<2 {
    let inside = i
}
print(inside)
// expect-error: 4:7: cannot find 'inside' in scope
