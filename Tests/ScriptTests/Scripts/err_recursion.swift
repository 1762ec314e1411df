func forever(_ n: Int) -> Int { return forever(n + 1) }
print(forever(0))
// expect-error: 1:40: calls nested more than 200 deep (is 'forever' recursing without end?)
