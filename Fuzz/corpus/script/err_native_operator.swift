let r = vec(1, 2) * "x"
// expect-error: 1:9: binary operator '*' cannot be applied to operands of type 'Vec' and 'String'
