import Foundation
import Runner
import XCTest

/// Failing cells and broken notebooks: clear errors, independent cells still run, exit 65.
final class FailureTests: RunnerTestCase {
    func testFailingCellSkipsItsDependentsOnly() throws {
        try write("a.md", """
        ---
        seed: 1
        ---
        ```swift
        let a = 1
        ```

        ```swift
        let b = a + undefinedName
        ```

        ```swift
        let c = b + 1
        ```

        ```swift
        let d = a + 2
        print(d)
        ```
        """)
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.exitCode, 65)
        XCTAssertEqual(summary.executed, 2)       // cells 1 and 4
        XCTAssertEqual(summary.failed, 1)         // cell 2 failed
        XCTAssertEqual(summary.skipped, 1)        // cell 3 skipped: it reads what cell 2 should have defined
        let text = log.joined(separator: "\n")
        XCTAssertTrue(text.contains("Notebooks/a.md:9:13: error: cannot find 'undefinedName' in scope"), text)
        XCTAssertTrue(try page("a.html").contains("cannot find"))
        XCTAssertTrue(try page("a.html").contains("not run: it reads"))
    }

    func testSyntaxErrorInOneNotebookLeavesOthersRendered() throws {
        try write("1-good.md", "---\nseed: 1\n---\n```swift\nprint(1 + 1)\n```\n")
        try write("2-bad.md", "---\nseed: 1\n---\nText\n\n```swift\nlet x = (1 + \n```\n")
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.exitCode, 65)
        let text = log.joined(separator: "\n")
        XCTAssertTrue(text.contains("Notebooks/2-bad.md:7:"), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: project + "/Output/1-good.html"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: project + "/Output/2-bad.html"))
        XCTAssertTrue(try page("index.html").contains("1-good.html"))
    }

    func testUnclosedFenceIsANotebookError() throws {
        try write("a.md", "---\nseed: 1\n---\n\n```swift\nlet x = 1\n")
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.exitCode, 65)
        XCTAssertTrue(log.joined(separator: "\n").contains("Notebooks/a.md:5:1:"), log.joined(separator: "\n"))
    }

    func testFailedCellIsNotCached() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet x = 1 / 0\n```\n")
        XCTAssertEqual(try runNotebooks().summary.failed, 1)
        let again = try runNotebooks()
        XCTAssertEqual(again.summary.failed, 1)
        XCTAssertEqual(again.summary.cached, 0)
    }

    func testPathOutsideProjectIsRefused() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet x = loadImage(\"../../etc/passwd\")\n```\n")
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.failed, 1)
        XCTAssertTrue(log.joined(separator: "\n").contains("outside the project folder"), log.joined(separator: "\n"))
    }
}
