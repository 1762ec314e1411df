import Script
import XCTest

/// A diagnostic on a very long line quotes a window around the error, not the whole line.
final class LongLineDiagnosticsTests: XCTestCase {
    func testLongLineIsQuotedAsAWindowWithTheCaretInPlace() throws {
        let padding = "\"" + String(repeating: "a", count: 1_000_000) + "\" + "    // a 1 MB line
        let source = "let x = " + padding + "nope"
        let program = try Parser.parse(source)
        var caught: ScriptError?
        do { _ = try Interpreter(library: Library()).run(program, globals: [:]) } catch let error as ScriptError { caught = error }
        let error = try XCTUnwrap(caught, "the unknown name must fail")
        let text = error.rendered(path: "n.md", lineOffset: 0, sourceLines: [source])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "n.md:1:\(source.count - 3): error: cannot find 'nope' in scope")
        XCTAssertLessThan(lines[1].count, 200, "the quoted line is cut to a window")
        XCTAssertTrue(lines[1].hasPrefix("..."))
        // The caret sits under the 'n' of 'nope' in the quoted window.
        let caret = try XCTUnwrap(lines[2].firstIndex(of: "^"))
        let offset = lines[2].distance(from: lines[2].startIndex, to: caret)
        XCTAssertEqual(Array(lines[1])[offset], "n")
        XCTAssertEqual(lines[2].filter { $0 == "~" }.count, 3)
    }
}
