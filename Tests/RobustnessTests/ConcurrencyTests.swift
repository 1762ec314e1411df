import Foundation
import XCTest

/// Two runs on one project at once: the second waits for the project lock (or, with
/// `--no-wait`, fails with status 65), so the cache and pages are written by one run at a
/// time.
final class ConcurrencyTests: RobustnessTestCase {
    func testSecondRunWaitsThenServesEverythingFromTheCache() throws {
        // A long cell of a few seconds, so the second run surely starts while the first holds
        // the lock, even on a loaded machine.
        try write("Notebooks/a.md", InterruptionTests.notebook(steps: 250))
        try write("Notebooks/b.md", "---\nseed: 2\n---\n```swift\nshow(ellipseMask(size: 32, centerX: 16, centerY: 16, radiusX: 9, radiusY: 5))\n```\n")
        let first = try start(["run", "Notebooks", "--out", "Output"])
        XCTAssertTrue(first.waitFor("cell 2: sample step", timeout: 60), first.errorText)
        let second = try start(["run", "Notebooks", "--out", "Output"])
        XCTAssertTrue(second.waitFor("is using this project; waiting for it to finish", timeout: 10), second.errorText)
        let one = first.finish(), two = second.finish()
        XCTAssertEqual(one.status, 0, one.err)
        XCTAssertEqual(two.status, 0, two.err)
        XCTAssertTrue(two.err.contains("another noisebook run (pid \(first.process.processIdentifier)) is using this project; waiting for it to finish..."), two.err)
        // The second run started after the first had finished: every cell a hit.
        XCTAssertTrue(two.err.contains("4 cells: 4 cached, 0 ran, 0 failed"), two.err)
        XCTAssertFalse(two.err.contains("miss"), two.err)
        XCTAssertEqual(temporaryFiles, [])
        // Every record decodes and names existing blobs: a third run is all hits too.
        let three = try noisebook(["run", "Notebooks", "--out", "Output"])
        XCTAssertTrue(three.err.contains("4 cached, 0 ran"), three.err)
        XCTAssertTrue(try page("a.html").contains("flipped"))
        XCTAssertTrue(try page("index.html").contains("b.html"))
    }

    func testNoWaitFailsClearlyWhileAnotherRunHoldsTheProject() throws {
        try write("Notebooks/a.md", InterruptionTests.notebook)
        let first = try start(["run", "Notebooks", "--out", "Output"])
        XCTAssertTrue(first.waitFor("cell 2: sample step", timeout: 60), first.errorText)
        let (status, _, err) = try noisebook(["run", "Notebooks", "--out", "Output", "--no-wait"])
        XCTAssertEqual(status, 65, err)
        XCTAssertEqual(err.trimmingCharacters(in: .whitespacesAndNewlines),
                       "noisebook: project \(physicalProject)\n\(physicalProject)/.noisebook/lock: error: another noisebook run is using this project (pid \(first.process.processIdentifier)); wait for it to finish")
        first.send(SIGINT)
        XCTAssertEqual(first.finish().status, 130)
    }
}
