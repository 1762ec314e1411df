// Swift forms that Swift users write: Array(...), tuple members, min/max, numeric functions.
let xs = Array(0..<4)
print(xs, Array(1...3), Array(["a", "b"]))        // expect: [0, 1, 2, 3] [1, 2, 3] ["a", "b"]
print(Array(repeating: 0.5, count: 3))            // expect: [0.5, 0.5, 0.5]
let pair = (2, "two")
print(pair.0, pair.1)                             // expect: 2 two
let pairs = [(1, "a"), (2, "b")]
print(pairs.map { $0.0 * 10 }, pairs.map { $0.1 }) // expect: [10, 20] ["a", "b"]
print(xs.min(), xs.max(), [2.5, -1.0].min())      // expect: 0 3 -1.0
print(abs(-3), sqrt(16.0), pow(2, 10), exp(0.0), log(1.0)) // expect: 3 4.0 1024.0 1.0 0.0
