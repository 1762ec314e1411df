let smallest = -9223372036854775808
print(smallest)
let flipped = -smallest
// expect: -9223372036854775808
// expect-error: 3:15: arithmetic overflow: -(-9223372036854775808) does not fit in Int
