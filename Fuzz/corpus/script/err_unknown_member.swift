let v = vec(1, 2)
let w = v.flip()
// expect-error: 2:11: value of type 'Vec' has no member 'flip'
// expect-note: did you mean 'flipped'?
