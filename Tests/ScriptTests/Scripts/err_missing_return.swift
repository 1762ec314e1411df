func sign(_ x: Int) -> Int {
    if x > 0 { return 1 }
}
print(sign(-2))
// expect-error: 1:6: missing return in 'sign', which returns 'Int'
