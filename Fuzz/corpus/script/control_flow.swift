// if / else if / else, for over arrays, ranges and strings, while, break, continue, scoping.
for i in 0..<3 { print(i) }
// expect: 0
// expect: 1
// expect: 2
for i in 1...2 {
    let doubled = i * 2
    print(doubled)
}
// expect: 2
// expect: 4
var n = 0
while true {
    n += 1
    if n == 2 { continue }
    if n > 3 { break }
    print("n", n)
}
// expect: n 1
// expect: n 3
for (i, word) in ["a", "b"].enumerated() { print(i, word) }
// expect: 0 a
// expect: 1 b
for (x, y) in zip([1, 2], [10, 20]) { print(x + y) }
// expect: 11
// expect: 22
var count = 0
for _ in 0..<4 { count += 1 }
print(count)                // expect: 4
for c in "hi" { print(c) }
// expect: h
// expect: i
for value in [5, 15, 25] {
    if value < 10 {
        print("small")
    } else if value < 20 {
        print("medium")
    } else {
        print("large")
    }
}
// expect: small
// expect: medium
// expect: large
let shadow = "outer"
if true {
    let shadow = "inner"
    print(shadow)           // expect: inner
}
print(shadow)               // expect: outer
for outer in 0..<3 {
    for inner in 0..<3 {
        if inner == 1 { break }
        print(outer, inner)
    }
    if outer == 1 { break }
}
// expect: 0 0
// expect: 1 0
var k = 3; while k > 0 { k -= 1 }; print(k) // expect: 0
