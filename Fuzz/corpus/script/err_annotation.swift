let x: Int = "one"
// expect-error: 1:14: cannot convert value of type 'String' to specified type 'Int'
