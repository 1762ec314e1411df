// Host values: operators, negation, methods, properties, overloads by type.
let v = vec(1, 2)
let w = vec(3, 4)
print(v)                        // expect: Vec(1.0, 2.0)
print(v + w, v * 2, 2 * v)      // expect: Vec(4.0, 6.0) Vec(2.0, 4.0) Vec(2.0, 4.0)
print(w - v, -v, v / 2)         // expect: Vec(2.0, 2.0) Vec(-1.0, -2.0) Vec(0.5, 1.0)
print(w.norm, v.x)              // expect: 5.0 1.0
print(v.scaled(by: 3).flipped()) // expect: Vec(6.0, 3.0)
print(shout("hi"), shout(v))    // expect: HI! Vec(2.0, 4.0)
print([v, w].map { $0 * 10 })   // expect: [Vec(10.0, 20.0), Vec(30.0, 40.0)]
var acc = vec(0, 0)
for p in [v, w] { acc = acc + p }
print(acc)                      // expect: Vec(4.0, 6.0)
print("\(v) typed \([v].count)") // expect: Vec(1.0, 2.0) typed 1
