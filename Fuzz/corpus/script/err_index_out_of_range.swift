let xs = [1, 2, 3]
print(xs[2])
print(xs[3])
// expect: 3
// expect-error: 3:10: index 3 out of range for count 3
