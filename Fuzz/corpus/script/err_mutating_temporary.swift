let n = [1].append(2)
// expect-error: 1:9: cannot use mutating member on immutable value
