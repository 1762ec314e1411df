let xs = [1, 2, 3]
print(xs[-1])
// expect-error: 2:10: index -1 out of range for count 3
