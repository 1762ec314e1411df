var big = 9223372036854775807
big += 1
// expect-error: 2:1: arithmetic overflow: 9223372036854775807 + 1 does not fit in Int
