let x = forward(1, t: 2)
print("before")
print(1, 2, 3, 4, 5, 6, 7)
// expect-error: 3:25: extra argument in call
