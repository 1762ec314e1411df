let x = 4611686018427387904 * 2
// expect-error: 1:9: arithmetic overflow: 4611686018427387904 * 2 does not fit in Int
