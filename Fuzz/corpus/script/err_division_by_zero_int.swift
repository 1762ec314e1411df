let a = 10
let b = 0
print(a / 2)
print(a / b)
// expect: 5
// expect-error: 4:7: division by zero
