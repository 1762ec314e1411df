import Foundation
import Preview
import XCTest

/// The preview's watcher sees an edited notebook or a file beside it, not the site it writes.
final class ChangeWatcherTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/Notebooks/images", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/Notebooks/Output", withIntermediateDirectories: true)
        try "a".write(toFile: folder + "/Notebooks/a.md", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testAnEditIsSeenAndTheOutputIsNot() throws {
        let watcher = ChangeWatcher(paths: [folder + "/Notebooks"], ignoring: [folder + "/Notebooks/Output"])
        let before = watcher.snapshot()
        XCTAssertEqual(Set(before.keys), [folder + "/Notebooks/a.md"])
        try "page".write(toFile: folder + "/Notebooks/Output/a.html", atomically: true, encoding: .utf8)
        XCTAssertEqual(watcher.snapshot(), before, "the site a run writes is not a change")
        try "image".write(toFile: folder + "/Notebooks/images/x.png", atomically: true, encoding: .utf8)
        var polls = 0
        let changed = watcher.nextChange(after: before, interval: 0.01, settle: 0.01) { polls += 1; return polls > 100 }
        XCTAssertEqual(changed.map { Set($0.keys) }, [folder + "/Notebooks/a.md", folder + "/Notebooks/images/x.png"])
    }

    func testWaitingEndsWhenAskedToStop() {
        let watcher = ChangeWatcher(paths: [folder + "/Notebooks"], ignoring: [])
        XCTAssertNil(watcher.nextChange(after: watcher.snapshot(), interval: 0.01, settle: 0.01) { true })
    }
}

/// A restart during a run stops it at its next step and runs it once more; a restart while
/// idle runs at once.
final class RerunnerTests: XCTestCase {
    func testARestartDuringARunRunsItOnceMore() {
        let rerunner = Rerunner()
        let runs = Counter()
        let first = expectation(description: "first run started"), second = expectation(description: "second run finished")
        rerunner.start {
            let n = runs.increment()
            if n == 1 {
                first.fulfill()
                while !rerunner.restartRequested { Thread.sleep(forTimeInterval: 0.005) }   // a long run, polling
            } else {
                second.fulfill()
            }
        }
        wait(for: [first], timeout: 10)
        rerunner.restartRun()
        wait(for: [second], timeout: 10)
        rerunner.stopAndWait()
        XCTAssertEqual(runs.value, 2)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int { lock.withLock { count += 1; return count } }
    var value: Int { lock.withLock { count } }
}
