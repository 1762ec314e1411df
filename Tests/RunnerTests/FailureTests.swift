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

/// A notebook whose results cannot be written says which file, and counts as failed.
final class WriteFailureTests: RunnerTestCase {
    func testAnUnwritableImageNamesTheFileNotAPlaceInTheNotebook() throws {
        try write("a.md", "---\ntitle: A\n---\n```swift\nshow(rectangleMask(size: 8, x: 1, y: 1, width: 3, height: 3))\n```\n")
        try runNotebooks()
        let image = try XCTUnwrap(try siteImages().first)
        // The sidecar's place in the site is taken by a folder: the write fails, as on a full disk.
        let sidecar = image.replacingOccurrences(of: ".png", with: ".json")
        try FileManager.default.removeItem(atPath: project + "/Output/images/" + sidecar)
        try FileManager.default.createDirectory(atPath: project + "/Output/images/" + sidecar, withIntermediateDirectories: false)
        let (summary, log) = try runNotebooks()
        let text = log.joined(separator: "\n")
        XCTAssertEqual(summary.exitCode, 65, text)
        XCTAssertTrue(text.contains("Notebooks/a.md: error: cannot write or read \(project)/Output/images/\(sidecar)"), text)
        XCTAssertFalse(text.contains("a.md:1:1"), text)
        XCTAssertTrue(text.contains("; 1 notebook could not be run"), text)
    }
}
