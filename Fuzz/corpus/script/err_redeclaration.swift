var x = 1
let x = 2
// expect-error: 2:5: invalid redeclaration of 'x'
