let r = "a" * 2
// expect-error: 1:9: binary operator '*' cannot be applied to operands of type 'String' and 'Int'
