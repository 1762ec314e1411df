// Swift's force unwrap is accepted: cell values are never nil, so `x!` is `x`.
let xs = [4, 5, 6]
print(xs.last!)              // expect: 6
print(xs.first! * 2)         // expect: 8
print(xs.last! != 6)         // expect: false
print(!xs.isEmpty)           // expect: true
