print("before")
let r = forward(1)
// Found before the cell runs: nothing prints.
// expect-error: 2:9: missing argument for parameter 't' in call
