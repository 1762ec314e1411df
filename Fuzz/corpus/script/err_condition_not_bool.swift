if 1 { print("no") }
// expect-error: 1:4: type 'Int' cannot be used as a boolean
// expect-note: test for '!= 0' instead
