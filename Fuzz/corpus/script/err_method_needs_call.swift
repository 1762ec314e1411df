let r = [1, 2].reversed
// expect-error: 1:16: method 'reversed' must be called: add '()'
