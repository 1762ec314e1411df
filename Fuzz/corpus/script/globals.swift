// Script's own global functions.
print(min(3, 1), max(3, 1, 2), min(1, 0.5))   // expect: 1 3 0.5
print(abs(-4), abs(-2.5))                      // expect: 4 2.5
print(sqrt(16), exp(0), log(1))                // expect: 4.0 1.0 0.0
print(Double(3), Int(3.9), Int(-3.9), Int("42"), String(7) + "!") // expect: 3.0 3 -3 42 7!
print(stride(from: 0, to: 10, by: 3))          // expect: [0, 3, 6, 9]
print(stride(from: 10, through: 0, by: -5))    // expect: [10, 5, 0]
print(stride(from: 0, to: 1, by: 0.25))        // expect: [0.0, 0.25, 0.5, 0.75]
print(pow(2, 10), floor(2.7), round(2.5))      // expect: 1024.0 2.0 3.0
print(Double.pi > 3.14, Int.max)               // expect: true 9223372036854775807
print(describe(1), describe("x", caption: "note")) // expect: Int String (note)
print(forward("img", t: 5))                    // expect: forward(img, t: 5, noise: 0.0)
print(forward("img", t: 5, noise: 1))          // expect: forward(img, t: 5, noise: 1)
