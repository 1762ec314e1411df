// A native value without subscripts or comparisons reports clear errors.
let v = vec(1, 2)
print(-v)               // expect: Vec(-1.0, -2.0)
let w = v[0]
// expect-error: 4:11: value of type 'Vec' has no subscripts
