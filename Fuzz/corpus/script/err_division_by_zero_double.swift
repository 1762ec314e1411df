let a = 1.5
print(a / 0)
// expect-error: 2:7: division by zero
