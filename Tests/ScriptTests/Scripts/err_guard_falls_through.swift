let x = 3
guard x > 5 else { print("small") }
// expect-error: 2:1: the 'else' of a 'guard' must leave the scope
// expect-note: end it with 'return', 'break' or 'continue'
