let r = forward(1, t: "late")
// expect-error: 1:23: cannot convert value of type 'String' to expected argument type 'Int' for parameter 't'
