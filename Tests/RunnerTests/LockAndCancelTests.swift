import Diagnostics
import Foundation
import Runner
import XCTest

/// The project lock and cancellation, through the Runner API.
final class LockAndCancelTests: RunnerTestCase {
    private func options(cancelled: @escaping @Sendable () -> Bool = { false }) -> RunOptions {
        var options = projectOptions()
        options.isCancelled = cancelled
        return options
    }

    func testHeldLockFailsARunThatMayNotWait() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nprint(1)\n```\n")
        let held = try XCTUnwrap(try ProjectLock.acquire(project + "/.noisebook/lock", wait: false))
        var options = options()
        options.waitForLock = false
        XCTAssertThrowsError(try Runner(options: options, log: RunLog(interactive: false) { _ in }) { _ in .none }.run()) { error in
            XCTAssertEqual(Diagnostic(error).rendered(program: "noisebook"), "\(project)/.noisebook/lock: error: another noisebook run is using this project (pid \(getpid())); wait for it to finish")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: project + "/Output/a.html"), "a locked-out run wrote a page")
        held.release()
        XCTAssertEqual(try Runner(options: options, log: RunLog(interactive: false) { _ in }) { _ in .none }.run().exitCode, 0)
    }

    func testCancelledWaitReturnsWithoutRunning() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nprint(1)\n```\n")
        let held = try XCTUnwrap(try ProjectLock.acquire(project + "/.noisebook/lock", wait: false))
        defer { held.release() }
        let lines = LineBox()
        let summary = try Runner(options: options(cancelled: { true }), log: RunLog(interactive: false) { lines.append($0) }) { _ in .none }.run()
        XCTAssertEqual(summary.notebooks, 0)
        XCTAssertTrue(lines.lines.contains { $0.contains("is using this project; waiting for it to finish...") }, "\(lines.lines)")
    }

    /// Cancellation once cell 1's record is on disk and cell 2 has started: cell 2 stops, is not stored
    /// and is not reported as failed, the previous page stays, and the summary counts cell 1.
    func testCancelledRunStoresFinishedCellsOnlyAndKeepsThePage() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nprint(\"first\")\n```\n\n```swift\nvar n = 0\nfor i in 0..<1000000 {\n    n = n + i\n}\n```\n")
        try write("b.md", "---\nseed: 1\n---\n```swift\nprint(2)\n```\n")
        try FileManager.default.createDirectory(atPath: project + "/Output", withIntermediateDirectories: true)
        try "previous page".write(toFile: project + "/Output/a.html", atomically: true, encoding: .utf8)
        let cells = project + "/.noisebook/cache/cells"
        let lines = LineBox()
        // The first poll after cell 1 is stored is the one before cell 2; the next ones come
        // from inside cell 2's loop.
        let polls = LineBox()
        let summary = try Runner(options: options(cancelled: {
            guard ((try? FileManager.default.contentsOfDirectory(atPath: cells)) ?? []).contains(where: { $0.hasSuffix(".json") }) else { return false }
            polls.append("poll\n")
            return polls.lines.count > 1
        }), log: RunLog(interactive: false) { lines.append($0) }) { _ in .none }.run()
        XCTAssertEqual(summary.failed, 0, "\(lines.lines)")
        XCTAssertEqual(summary.executed, 1, "the cell that finished before the interrupt counts")
        XCTAssertEqual(summary.notebooks, 0, "the interrupted notebook is not a finished one")
        XCTAssertTrue(lines.lines.contains { $0.contains("stopped") && $0.contains("(interrupted)") }, "\(lines.lines)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cells).count, 1)
        XCTAssertEqual(try page("a.html"), "previous page")
        XCTAssertFalse(FileManager.default.fileExists(atPath: project + "/Output/b.html"), "the run went on after the interrupt")
        let (again, log) = try runNotebooks()
        XCTAssertEqual(again.cached, 1, log.joined(separator: "\n"))
        XCTAssertEqual(again.executed, 2)
    }
}
