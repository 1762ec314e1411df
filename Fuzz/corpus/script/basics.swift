// Declarations, arithmetic, Int/Double display and promotion, precedence, comments.
let a = 7
var b = 2
print(a / b)        // expect: 3
print(a % b)        // expect: 1
print(-a / b)       // expect: -3
print(7.0 / 2)      // expect: 3.5
print(a * 1.0)      // expect: 7.0
print(1_000 + 1e-3) // expect: 1000.001
print(0.1 + 0.2)    // expect: 0.30000000000000004
print(2 + 3 * 4 - 1) // expect: 13
print((2 + 3) * 4)  // expect: 20
print(1e-5)         // expect: 1e-05
print(0x1F, 0b101)  // expect: 31 5
print(-9223372036854775808) // expect: -9223372036854775808
b += 3; b *= 2
print(b)            // expect: 10
b -= 4
b /= 4
print(b)            // expect: 1
b += 0.5            /* an Int variable takes a Double result: promotion */
print(b)            // expect: 1.5
var d: Double = 3
print(d)            // expect: 3.0
d = 4
print(d)            // expect: 4.0
let yes = true
print(!yes || 3 < 4 && 4 <= 4, yes == false) // expect: true false
print(2 > 1 ? "big" : "small")   // expect: big
print(1 == 1.0, 2 != 3, "a" < "b") // expect: true true true
let total = 1 +
    2
    + 3
print(total)        // expect: 6
print(7 % -3, -7 % 3) // expect: 1 -1
print(5.5 % 2)      // expect: 1.5
print(-(2.5))       // expect: -2.5
