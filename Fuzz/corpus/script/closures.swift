// Closures: anonymous and named parameters, multi-statement bodies with return,
// parenthesised closures in conditions, operators as functions, captured outer values.
let factor = 3
let xs = [1, 2, 3]
print(xs.map { $0 * factor })                 // expect: [3, 6, 9]
print(xs.map({ (x) in x + 1 }))               // expect: [2, 3, 4]
print(xs.map { _ in 0 })                      // expect: [0, 0, 0]
if xs.contains(where: { $0 > 2 }) { print("has big") } // expect: has big
for x in xs.filter({ $0 != 2 }) { print(x) }
// expect: 1
// expect: 3
let labels = xs.map { value in
    if value == 1 { return "one" }
    return "many"
}
print(labels)                                  // expect: ["one", "many", "many"]
print(xs.reduce(0, { acc, x in acc + x * x }))  // expect: 14
print(xs.sorted { $0 > $1 }, xs.reduce(1, *))  // expect: [3, 2, 1] 6
print(xs.map { x in xs.map { y in x * y } })   // expect: [[1, 2, 3], [2, 4, 6], [3, 6, 9]]
print(xs.map { "\($0)" }.joined(separator: ","))  // expect: 1,2,3
_ = xs.map { $0 }
var seen = 0
for x in xs { seen += x }
print(seen)                                    // expect: 6
