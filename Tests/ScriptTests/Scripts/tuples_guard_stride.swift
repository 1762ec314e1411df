// Tuples and destructuring, guard, enumerated, stride, reversed and typed closures.
func minMax(_ xs: [Int]) -> (Int, Int) {
    var low = xs[0]
    var high = xs[0]
    for x in xs {
        if x < low { low = x }
        if x > high { high = x }
    }
    return (low, high)
}
let (low, high) = minMax([4, 9, 1, 7])
print(low, high)                                     // expect: 1 9
let (first, _) = minMax([5, 2])
print(first)                                         // expect: 2
func firstPositive(_ xs: [Int]) -> Int {
    for x in xs {
        guard x > 0 else { continue }
        return x
    }
    return -1
}
print(firstPositive([-3, 0, 8, 2]))                  // expect: 8
for (i, x) in ["a", "b"].enumerated() { print(i, x) }
// expect: 0 a
// expect: 1 b
print(stride(from: 10, to: 0, by: -3))               // expect: [10, 7, 4, 1]
print([1, 2, 3].reversed())                          // expect: [3, 2, 1]
print([1, 2, 3].map { (x: Int) -> Int in x * 10 })   // expect: [10, 20, 30]
print([1.5, 2.5].map { (x: Double) in x * 2 })       // expect: [3.0, 5.0]
