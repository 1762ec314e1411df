let r = forward(1, t: 5000)
// expect-error: 1:23: timestep 5000 out of range 0..<1000
