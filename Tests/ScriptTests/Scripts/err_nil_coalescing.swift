// '??' has no optional to fall back from.
let a = 2
let y = a ?? 0
// expect-error: 3:11: '??' is not supported in cells; there are no optionals, so every value exists: write the value itself, or choose with 'c ? a : b'
