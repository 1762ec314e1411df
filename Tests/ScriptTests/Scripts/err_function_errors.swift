// A function's mistakes point at the code, with the declared signature.
func area(width w: Int, height h: Int) -> Int { return w * h }
print(area(width: 2, hieght: 3))
// expect-error: 3:22: incorrect argument label in call (have 'hieght:', expected 'height:')
// expect-note: write 'height:' instead of 'hieght:'
