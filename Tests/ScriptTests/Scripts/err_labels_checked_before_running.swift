print("this line would run first")
for t in [250, 500] {
    print(t)
}
func later(_ x: Int) -> Int {
    return forward(x, time: 3)
}
// A call no built-in accepts fails before the cell runs anything, so nothing above prints.
// expect-error: 6:23: incorrect argument label in call (have 'time:', expected 't:')
