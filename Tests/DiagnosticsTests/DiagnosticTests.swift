import Diagnostics
import XCTest

/// The one format of a problem: located or not, with notes, and as it reads inside another.
final class DiagnosticTests: XCTestCase {
    func testRenderedFormsFollowTheLocationThatIsKnown() {
        XCTAssertEqual(Diagnostic("bad", file: "a.md", line: 3, column: 7).rendered(program: "noisebook"), "a.md:3:7: error: bad")
        XCTAssertEqual(Diagnostic("bad", file: "a.md", line: 3).rendered(program: "noisebook"), "a.md:3: error: bad")
        XCTAssertEqual(Diagnostic("bad", file: "a.md").rendered(program: "noisebook"), "a.md: error: bad")
        XCTAssertEqual(Diagnostic("bad", status: .usage).rendered(program: "noisebook"), "noisebook: error: bad")
        XCTAssertEqual(Diagnostic("bad", notes: ["try x", "or y"]).rendered(program: "p"), "p: error: bad\nnote: try x\nnote: or y")
    }

    func testOnlyAnUnlocatedInternalErrorSaysInternal() {
        XCTAssertEqual(Diagnostic("broke", status: .internalError).rendered(program: "noisebook"), "noisebook: internal error: broke")
        XCTAssertEqual(Diagnostic("cannot lock", file: "/p/lock", status: .internalError).rendered(program: "noisebook"),
                       "/p/lock: error: cannot lock")
    }

    /// Inside another diagnostic (a cell's), a problem keeps its place but not a second "error:".
    func testTheInlineFormHasNoSecondError() {
        let inner = Diagnostic("not a valid model: x", file: "m.model")
        XCTAssertEqual(inner.description, "m.model: not a valid model: x")
        let outer = Diagnostic("\(inner)", file: "a.md", line: 4, column: 1)
        XCTAssertEqual(outer.rendered(program: "noisebook"), "a.md:4:1: error: m.model: not a valid model: x")
    }

    func testAnyErrorConvertsAndUnknownOnesAreInternal() {
        struct Foreign: Error {}
        XCTAssertEqual(Diagnostic(Foreign()).status, .internalError)
        let own = Diagnostic("x", status: .usage)
        XCTAssertEqual(Diagnostic(own as any Error), own)
        XCTAssertEqual(Diagnostic.Status.usage.rawValue, 64)
        XCTAssertEqual(Diagnostic.Status.dataError.rawValue, 65)
        XCTAssertEqual(Diagnostic.Status.internalError.rawValue, 70)
    }
}
