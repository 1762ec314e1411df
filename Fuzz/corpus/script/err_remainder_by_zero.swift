print(7 % 0)
// expect-error: 1:7: division by zero
