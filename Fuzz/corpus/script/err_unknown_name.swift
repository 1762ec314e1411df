let x = 1
print(forwrd(x, t: 1))
// expect-error: 2:7: cannot find 'forwrd' in scope
// expect-note: did you mean 'forward'?
