import Pipeline
import Script
import XCTest
@testable import Bindings

/// A built-in may read only the host state it declares: the runner keys a cell on exactly
/// those identities, so an undeclared read would be served stale after the state changed.
final class HostStateTests: BindingsTestCase {
    /// The library with one more built-in, `peek()`, that reads the schedule and declares `reads`.
    private func library(declaring reads: Set<HostState>, session: NotebookSession) -> Library {
        var library = NotebookLibrary.make(session: session)
        library.add(NotebookLibrary.declared(NotebookLibrary.function("peek", [], "Reads abar_10.", reads: reads) { _ in
            .double(Double(try session.schedule().alphaBar(10)))
        }, session: session))
        return library
    }

    private func peek(declaring reads: Set<HostState>) throws -> Value? {
        let session = self.session()
        let interpreter = Interpreter(library: library(declaring: reads, session: session))
        return try interpreter.run(try Parser.parse("let a = peek()"), globals: [:])["a"]
    }

    func testAnUndeclaredReadFailsTheCall() {
        XCTAssertThrowsError(try peek(declaring: [])) { error in
            XCTAssertTrue("\(error)".contains("built-in 'peek' reads the schedule without declaring it"), "\(error)")
        }
        XCTAssertThrowsError(try peek(declaring: [.upsampler]))
    }

    func testADeclaredReadRunsAndTheModelCoversItsSchedule() throws {
        XCTAssertNotNil(try peek(declaring: [.schedule]))
        XCTAssertNotNil(try peek(declaring: [.model]))
    }

    /// Outside a cell (the runner, the tests' own set-up) nothing is checked.
    func testReadsOutsideACellAreNotChecked() throws {
        let session = self.session()
        _ = session.endCell()
        XCTAssertNoThrow(try session.schedule())
        XCTAssertNoThrow(try session.model())
    }

    /// Each part has its own identity, and the cell key changes with exactly the parts read.
    func testEachPartHasItsOwnIdentity() {
        let session = self.session()
        XCTAssertEqual(Set(HostState.allCases.map { session.identity(of: $0) }).count, HostState.allCases.count)
        XCTAssertEqual(session.identity(of: .model), "stage I=\(denoiser.identity)")
        XCTAssertEqual(session.identity(of: .upsampler), "none")
    }
}
