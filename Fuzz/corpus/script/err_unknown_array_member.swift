let xs = [1]
print(xs.cout)
// expect-error: 2:10: value of type '[Int]' has no member 'cout'
// expect-note: did you mean 'count'?
