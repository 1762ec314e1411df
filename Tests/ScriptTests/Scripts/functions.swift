// Functions: labels, defaults, return types, recursion, and functions calling functions.
func square(_ x: Int) -> Int {
    return x * x
}
func scaled(_ x: Double, by factor: Double = 2) -> Double {
    return x * factor
}
func factorial(_ n: Int) -> Int {
    if n <= 1 { return 1 }
    return n * factorial(n - 1)
}
func sumOfSquares(_ xs: [Int]) -> Int {
    return xs.map { square($0) }.reduce(0, +)
}
func greet(name: String) {
    print("hello \(name)")
}
print(square(7))                      // expect: 49
print(scaled(3))                      // expect: 6.0
print(scaled(3, by: 0.5))             // expect: 1.5
print(factorial(10))                  // expect: 3628800
print(sumOfSquares([1, 2, 3]))        // expect: 14
greet(name: "cells")                  // expect: hello cells
let offset = 100
func shifted(_ x: Int) -> Int { return x + offset }
print(shifted(1))                     // expect: 101
