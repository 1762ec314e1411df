var total = 0
func add(_ x: Int) { total += x }
add(2)
// expect-error: 2:22: a function cannot change 'total', which it reads from outside
// expect-note: return the new value instead, and assign it where the function is called
