// Casts: values convert with the type's initializer.
let y = 3 as Double
// expect-error: 2:11: 'as' is not supported in cells; values carry their own type: convert with Double(x), Int(x) or String(x) instead
