func twice(_ x: Int) -> Int { return 2 * x }
print(twice("two"))
// expect-error: 2:13: cannot convert value of type 'String' to argument type 'Int' for parameter 'x'
