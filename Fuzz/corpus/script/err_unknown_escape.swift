let s = "bad \q escape"
// expect-error: 1:14: invalid escape sequence '\q' in literal
