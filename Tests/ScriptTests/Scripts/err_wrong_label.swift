print(forward(1, tt: 2))
// expect-error: 1:18: incorrect argument label in call (have 'tt:', expected 't:')
// expect-note: write 't:' instead of 'tt:'
