let n = vec(3, 4).norm()
// expect-error: 1:19: 'norm' is a property of 'Vec', not a method
// expect-note: remove the '()'
