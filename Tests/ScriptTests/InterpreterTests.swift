import Script
import XCTest

/// The interpreter's contract with its host: globals in, defined values out, cancellation,
/// native values and overloads.
final class InterpreterTests: XCTestCase {
    func testGlobalsAreReadAndDefinedNamesReturned() throws {
        let (lines, values) = try TestLibrary.run("""
            let doubled = base * 2
            counter += 1
            history.append(doubled)
            print(doubled)
            """, globals: ["base": .int(21), "counter": .int(1), "history": .array([])])
        XCTAssertEqual(lines, ["42"])
        XCTAssertEqual(values["doubled"], .int(42))
        XCTAssertEqual(values["counter"], .int(2))
        XCTAssertEqual(values["history"], .array([.int(42)]))
        XCTAssertEqual(Set(values.keys), ["doubled", "counter", "history"])
    }

    func testTopLevelDeclarationShadowsGlobal() throws {
        let (_, values) = try TestLibrary.run("let x = x + 1", globals: ["x": .int(1)])
        XCTAssertEqual(values["x"], .int(2))
    }

    func testCancellationStopsALoop() throws {
        let program = try Parser.parse("var i = 0\nwhile true { i += 1 }")
        let interpreter = Interpreter(library: Library())
        let polls = PrintedLines()
        interpreter.isCancelled = {
            polls.append("poll")
            return polls.lines.count > 50
        }
        XCTAssertThrowsError(try interpreter.run(program, globals: [:])) { error in
            XCTAssertEqual((error as? ScriptError)?.kind, .cancelled)
        }
    }

    /// A host shows where a long cell is: each iteration reports the loops running then, the
    /// function they are in, and how far they have come.
    func testLoopsReportWhereTheCellIs() throws {
        let program = try Parser.parse("""
            func inner(_ n: Int) -> Int {
                var total = 0
                for k in 0..<n { total += k }
                return total
            }
            for (i, x) in [10, 20].enumerated() { let _ = inner(3) }
            """)
        let interpreter = Interpreter(library: Library())
        let seen = PrintedLines()
        interpreter.onIteration = { loops in seen.append(loops.map(\.description).joined(separator: " > ")) }
        _ = try interpreter.run(program, globals: [:])
        XCTAssertEqual(seen.lines, [
            "(i, x) 1/2", "(i, x) 1/2 > inner k 1/3", "(i, x) 1/2 > inner k 2/3", "(i, x) 1/2 > inner k 3/3", "(i, x) 1/2",
            "(i, x) 2/2", "(i, x) 2/2 > inner k 1/3", "(i, x) 2/2 > inner k 2/3", "(i, x) 2/2 > inner k 3/3", "(i, x) 2/2",
            "",
        ])
        XCTAssertEqual(interpreter.loops, [], "no loop runs after the cell")
        // Half through the outer loop, a third through the inner one at its second iteration:
        // 1/2 + (1/2)(1/3) = 2/3; a sampler's step inside counts in the innermost share.
        let at = [LoopState(function: nil, variable: "i", index: 2, count: 2), LoopState(function: "f", variable: "k", index: 2, count: 3)]
        XCTAssertEqual(LoopState.fractionDone(at), 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(LoopState.fractionDone(at, inner: 0.5), 2.0 / 3 + 1.0 / 12, accuracy: 1e-12)
        XCTAssertEqual(LoopState.fractionDone([], inner: 0.25), 0.25)
    }

    func testNativeValuesRoundTripThroughGlobals() throws {
        let (lines, values) = try TestLibrary.run("let moved = start + vec(1, 1)\nprint(moved)",
                                                  globals: ["start": .native(Vec(x: 1, y: 2))])
        XCTAssertEqual(lines, ["Vec(2.0, 3.0)"])
        guard case .native(let native) = values["moved"], let vector = native as? Vec else {
            return XCTFail("moved should be a Vec, got \(String(describing: values["moved"]))")
        }
        XCTAssertEqual(vector, Vec(x: 2, y: 3))
    }

    func testValueTypeNamesAndDisplay() {
        XCTAssertEqual(Value.array([.native(Vec(x: 0, y: 0))]).typeName, "[Vec]")
        XCTAssertEqual(Value.array([.int(1), .string("a")]).typeName, "[Any]")
        XCTAssertEqual(Value.range(lower: 0, upper: 3).typeName, "Range<Int>")
        XCTAssertEqual(Value.double(3).displayString, "3.0")
        XCTAssertEqual(Value.array([.string("a\"b")]).displayString, "[\"a\\\"b\"]")
    }

    func testLibraryListsFunctionsAndMembers() {
        let library = TestLibrary.make(printing: PrintedLines())
        XCTAssertTrue(library.functionNames.contains("stride"))
        XCTAssertTrue(library.functionNames.contains("print"))
        XCTAssertEqual(library.memberNames(on: "Vec"), ["flipped", "norm", "scaled", "x"])
        XCTAssertEqual(library.overloads(of: "forward").first?.signature, "forward(_:t:noise:)")
    }
}
