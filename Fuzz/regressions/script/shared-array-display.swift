var a = [1]
for _ in 0..<40 { a = [a, a] }
print(a)
