print("before")
let r = forward(1)
// expect: before
// expect-error: 2:9: missing argument for parameter 't' in call
