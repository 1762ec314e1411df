print(Int(2.5e300))
// expect-error: 1:11: cannot convert 2.5e+300 to Int: it is not finite or out of range
