let s = String(format: "%.2f", 3.14159)
// expect-error: 1:24: String(format:) is not supported in cells; write "\(x)" or, for decimals, format(x, digits: 2) instead
