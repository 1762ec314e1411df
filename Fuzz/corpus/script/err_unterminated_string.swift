let s = "abc
// expect-error: 1:9: unterminated string literal
