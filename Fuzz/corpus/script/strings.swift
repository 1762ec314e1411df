// Escapes, interpolation (nested, with strings inside), multi-line literals, string methods.
let name = "noise"
print("tab:\tend")                    // expect: tab:	end
print("quote \" and backslash \\")    // expect: quote " and backslash \
print("\(name) has \(name.count) letters") // expect: noise has 5 letters
print("sum \(1 + 2 * 3) and \("inner \(name.uppercased())")") // expect: sum 7 and inner NOISE
print("list \([1, 2]) and \(["a", "b"])")  // expect: list [1, 2] and ["a", "b"]
print("\(2.0) \(true) \(0..<3)")      // expect: 2.0 true 0..<3
print("unicode \u{41}")               // expect: unicode A
let poem = """
    first line
      indented
    last "quoted"
    """
print(poem)
// expect: first line
// expect:   indented
// expect: last "quoted"
print("Ab".lowercased(), "Ab".uppercased()) // expect: ab AB
print("abc".contains("b"), "abc".hasPrefix("ab"), "abc".hasSuffix("x")) // expect: true true false
print("".isEmpty)                     // expect: true
print("a" + "b")                      // expect: ab
var s = "x"
s += "y"
print(s)                              // expect: xy
