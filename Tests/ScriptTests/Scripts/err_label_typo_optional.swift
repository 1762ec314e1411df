print(describe(1, captoin: "x"))
// expect-error: 1:19: incorrect argument label in call (have 'captoin:', expected 'caption:')
// expect-note: write 'caption:' instead of 'captoin:'
