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
