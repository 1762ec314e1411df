let b = 1 < 2 < 3
// expect-error: 1:15: adjacent operators are in non-associative precedence group 'ComparisonPrecedence'
