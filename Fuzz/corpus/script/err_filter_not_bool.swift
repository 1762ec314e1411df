let r = [1, 2].filter { $0 }
// expect-error: 1:23: the closure passed to 'filter' must return Bool, not 'Int'
