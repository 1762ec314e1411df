// Functions return new values instead of changing their arguments.
func bump(_ x: inout Int) { }
// expect-error: 2:16: 'inout' parameters are not supported in cells; return the new value and assign it instead, as in 'x = f(x)'
