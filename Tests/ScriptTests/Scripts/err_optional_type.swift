// Optional types: every value in a cell exists.
let n: Int? = 3
// expect-error: 2:11: optional types are not supported in cells; every value exists: write the type without '?'
