import Script
import XCTest

/// The lexer and parser face arbitrary text: they must report errors, never trap or recurse
/// without bound.
final class RobustnessTests: XCTestCase {
    /// Parses and reports whether it threw a ScriptError (any other outcome fails the test).
    func parseOutcome(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> ScriptError? {
        do {
            _ = try Parser.parse(source)
            return nil
        } catch let error as ScriptError {
            return error
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
            return nil
        }
    }

    func testDeepNestingIsAnErrorNotACrash() {
        for (open, close) in [("(", ")"), ("[", "]"), ("{", "}"), ("if true {", "}"), ("-", ""), ("!", "")] {
            let source = "let x = " + String(repeating: open, count: 5000) + "1" + String(repeating: close, count: 5000)
            let error = parseOutcome(source)
            XCTAssertEqual(error?.kind, .syntax, "nesting with \(open)")
        }
        let interpolated = String(repeating: "\"\\(", count: 200) + "1" + String(repeating: ")\"", count: 200)
        XCTAssertEqual(parseOutcome("let s = " + interpolated)?.kind, .syntax)
        let longChain = "let x = 1" + String(repeating: " + 1", count: 100_000)
        XCTAssertEqual(parseOutcome(longChain)?.kind, .syntax)
        let calls = "let x = f" + String(repeating: "()", count: 100_000)
        XCTAssertEqual(parseOutcome(calls)?.kind, .syntax)
    }

    func testModerateNestingStillParsesAndRuns() throws {
        let source = "print(" + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100) + ")"
        XCTAssertEqual(try TestLibrary.run(source).lines, ["1"])
    }

    func testTruncatedAndGarbledInputNeverTraps() {
        let samples = [
            "let x = \"\\(", "\"\\u{110000}\"", "\"\\u{", "/* never closed", "let x: [", "for (", "x.", "f(a:",
            "\"\"\"", "\"\"\"\nabc", "let x = 1 ? 2", "$", "$99999", "0x", "1e", "1..<", "[1,,2]", "{ in }",
            "let x = {", "a[", "@", "let 🎉 = 1", "\r\n\r\n", "\"\\q\"", "x = = 1", "let x = -", ")))", "}}}",
        ]
        for sample in samples { _ = parseOutcome(sample) }
    }

    /// Deterministic pseudo-random token soup and byte mutations of a valid cell.
    func testRandomInputsNeverTrap() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: state >> 33)
        }
        let pieces = ["let", "var", "x", "=", "(", ")", "[", "]", "{", "}", "\"", "\\(", "1", "2.5", "+", "-", "*",
                      "..<", "...", "?", ":", ",", ";", "\n", " ", "$0", "in", "for", "if", "else", ".", "map", "_", "/*", "*/", "//"]
        for _ in 0..<2000 {
            var source = ""
            for _ in 0..<(next() % 40) { source += pieces[next() % pieces.count] }
            _ = parseOutcome(source)
        }
        let valid = Array("let xs = [1, 2].map { $0 * 2 }\nfor (i, x) in xs.enumerated() { print(\"\\(i): \\(x)\") }")
        for _ in 0..<2000 {
            var mutated = valid
            for _ in 0..<(1 + next() % 4) {
                let position = next() % mutated.count
                switch next() % 3 {
                case 0: mutated.remove(at: position)
                case 1: mutated.insert(valid[next() % valid.count], at: position)
                default: mutated[position] = valid[next() % valid.count]
                }
                if mutated.isEmpty { break }
            }
            _ = parseOutcome(String(mutated))
        }
    }
}
