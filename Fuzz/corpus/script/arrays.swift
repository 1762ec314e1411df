// Array literals, subscripts, mutation, built-in methods and closures.
var xs = [3, 1, 2,]
print(xs, xs.count, xs.isEmpty)          // expect: [3, 1, 2] 3 false
print(xs[0], xs.first, xs.last)          // expect: 3 3 2
xs[1] = 10
xs[2] += 5
print(xs)                                 // expect: [3, 10, 7]
xs.append(4)
xs.append(contentsOf: [5, 6])
print(xs.count, xs.removeLast(), xs)      // expect: 6 6 [3, 10, 7, 4, 5]
print(xs.reversed())                      // expect: [5, 4, 7, 10, 3]
print(xs.sorted(), xs.sorted(by: >))      // expect: [3, 4, 5, 7, 10] [10, 7, 5, 4, 3]
print(xs.contains(7), xs.contains(8))     // expect: true false
print(xs.min(), xs.max())                 // expect: 3 10
print(xs.map { $0 * 2 })                  // expect: [6, 20, 14, 8, 10]
print(xs.filter { x in x % 2 == 1 })      // expect: [3, 7, 5]
print(xs.map { $0 / 2.0 })                // expect: [1.5, 5.0, 3.5, 2.0, 2.5]
print(xs.reduce(0, +), xs.reduce(1) { $0 * $1 }) // expect: 29 4200
print(xs.contains { $0 > 9 })             // expect: true
print(["a", "b", "c"].joined(separator: "-"), ["x", "y"].joined()) // expect: a-b-c xy
print([1, 2.5])                           // expect: [1.0, 2.5]
print([[1, 2], [3]][0][1])                // expect: 2
var grid = [[0, 0], [0, 0]]
grid[1][0] = 7
print(grid)                               // expect: [[0, 0], [7, 0]]
grid[0].append(9)
print(grid[0])                            // expect: [0, 0, 9]
print((0..<5).map { $0 * $0 }, (0..<5).count, (2...4)[1]) // expect: [0, 1, 4, 9, 16] 5 3
print((0..<10).filter { $0 % 3 == 0 })    // expect: [0, 3, 6, 9]
print([1, 2, 3, 4][1..<3])                // expect: [2, 3]
print([1] + [2, 3], [] + [1])             // expect: [1, 2, 3] [1]
let words = ["b", "a"]
print(words.sorted(), words == ["b", "a"]) // expect: ["a", "b"] true
var empty: [Int] = []
empty.append(1)
print(empty)                              // expect: [1]
let doubles: [Double] = [1, 2]
print(doubles)                            // expect: [1.0, 2.0]
print(xs.map { v in
    let w = v + 1
    return w * 10
})                                        // expect: [40, 110, 80, 50, 60]
xs.removeAll()
print(xs, xs.isEmpty)                     // expect: [] true
