print("this line would run first")
let r = forward(1, t: 2, noise: "loud")
// A literal of the wrong type for a parameter whose default gives its type: found before anything runs.
// expect-error: 2:33: cannot convert value of type 'String' to expected argument type 'Double' for parameter 'noise'
