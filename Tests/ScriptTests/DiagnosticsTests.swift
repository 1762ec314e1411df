import Script
import XCTest

/// How errors render for people: file position, source line, caret, notes.
final class DiagnosticsTests: XCTestCase {
    func testRenderedErrorShowsFileLineSourceCaretAndNotes() throws {
        let source = "let x = 1\nlet y = forwrd(x, t: 5)"
        var caught: ScriptError?
        do {
            _ = try TestLibrary.run(source)
        } catch let error as ScriptError {
            caught = error
        }
        let error = try XCTUnwrap(caught)
        XCTAssertEqual(error.kind, .unknownName)
        let rendered = error.rendered(path: "Notebooks/1.md", lineOffset: 10,
                                      sourceLines: source.components(separatedBy: "\n"))
        XCTAssertEqual(rendered, """
            Notebooks/1.md:12:9: error: cannot find 'forwrd' in scope
            let y = forwrd(x, t: 5)
                    ^~~~~~
            note: did you mean 'forward'?
            """)
    }

    func testCaretIsClippedToTheLineAndKeepsTabs() {
        let error = ScriptError(kind: .runtime, message: "boom",
                                range: SourceRange(start: SourceLocation(line: 1, column: 3), length: 40))
        let rendered = error.rendered(path: "c.md", lineOffset: 0, sourceLines: ["\tx y"])
        XCTAssertEqual(rendered, "c.md:1:3: error: boom\n\tx y\n\t ^~")
    }

    func testErrorWithoutRangeRendersWithoutPosition() {
        let error = ScriptError(kind: .cancelled, message: "execution cancelled")
        XCTAssertEqual(error.rendered(path: "c.md", lineOffset: 3, sourceLines: []), "c.md: error: execution cancelled")
    }

    func testErrorKinds() {
        func kind(_ source: String) -> ScriptError.Kind? {
            do {
                _ = try TestLibrary.run(source)
                return nil
            } catch let error as ScriptError {
                return error.kind
            } catch {
                return nil
            }
        }
        XCTAssertEqual(kind("let = 1"), .syntax)
        XCTAssertEqual(kind("print(nope)"), .unknownName)
        XCTAssertEqual(kind("print(forward(1, tt: 2))"), .unknownLabel)
        XCTAssertEqual(kind("print(forward(1))"), .missingArgument)
        XCTAssertEqual(kind("print(sqrt(1, 2))"), .extraArgument)
        XCTAssertEqual(kind("print(1 + true)"), .wrongType)
        XCTAssertEqual(kind("let a = 1; a = 2"), .immutable)
        XCTAssertEqual(kind("let a = 1; let a = 2"), .redeclaration)
        XCTAssertEqual(kind("print([1][5])"), .runtime)
    }
}
