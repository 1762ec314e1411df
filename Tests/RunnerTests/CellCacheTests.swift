import Foundation
import Runner
import XCTest

/// The cell cache through whole runs: nothing re-runs when nothing changed, an edit re-runs
/// exactly the edited cell and its dependents, and inserting a cell changes no other image.
final class CellCacheTests: RunnerTestCase {
    private let notebook = """
    ---
    title: Cache test
    seed: 7
    parameters:
      level: 500
    ---
    # Cache test

    ```swift
    let base = rectangleMask(size: 8, x: 2, y: 2, width: 4, height: 4).rgb()
    ```

    ```swift
    let noisy = forward(base, t: level)
    show(noisy, caption: "noisy")
    ```

    ```swift
    let other = forward(base, t: 100)
    show(other, caption: "other")
    ```

    ```swift
    let blurred = gaussianBlur(noisy, kernelSize: 3, sigma: 1)
    show(blurred, caption: "blurred")
    ```
    """

    func testSecondRunExecutesNothing() throws {
        try write("a.md", notebook)
        let first = try runNotebooks()
        XCTAssertEqual(first.summary.executed, 4)
        XCTAssertEqual(first.summary.cached, 0)
        let second = try runNotebooks()
        XCTAssertEqual(second.summary.executed, 0, second.log.joined(separator: "\n"))
        XCTAssertEqual(second.summary.cached, 4)
        XCTAssertEqual(second.log.filter { $0.contains(" hit ") }.count, 4)
        XCTAssertFalse(second.log.contains { $0.range(of: "\\bmiss\\b", options: .regularExpression) != nil })
    }

    func testEditingACellRerunsItAndItsDependentsOnly() throws {
        try write("a.md", notebook)
        try runNotebooks()
        try write("a.md", notebook.replacingOccurrences(of: "t: level)", with: "t: level + 1)"))
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.executed, 2, log.joined(separator: "\n"))   // cell 2 (edited) and cell 4 (reads noisy)
        XCTAssertEqual(summary.cached, 2)
        XCTAssertTrue(log.contains { $0.contains("cell 2 (") && $0.contains("miss") && $0.contains("source edited") }, log.joined(separator: "\n"))
        XCTAssertTrue(log.contains { $0.contains("cell 4 (") && $0.contains("miss") && $0.contains("'noisy' changed") }, log.joined(separator: "\n"))
        XCTAssertTrue(log.contains { $0.contains("cell 3 (") && $0.contains(" hit ") })
    }

    func testChangingAParameterRerunsItsReaders() throws {
        try write("a.md", notebook)
        try runNotebooks()
        try write("a.md", notebook.replacingOccurrences(of: "level: 500", with: "level: 600"))
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.executed, 2, log.joined(separator: "\n"))
        XCTAssertTrue(log.contains { $0.contains("cell 2 (") && $0.contains("parameter 'level' changed") })
    }

    func testInsertingACellChangesNoOtherImage() throws {
        try write("a.md", notebook)
        try runNotebooks()
        let before = try siteImages()
        let inserted = notebook.replacingOccurrences(of: "# Cache test\n", with: """
        # Cache test

        ```swift
        let unrelated = forward(rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb(), t: 900)
        show(unrelated, caption: "new")
        ```

        """)
        try write("a.md", inserted)
        let (summary, log) = try runNotebooks(fresh: true)
        XCTAssertEqual(summary.executed, 5, log.joined(separator: "\n"))
        let after = try siteImages()
        XCTAssertTrue(before.isSubset(of: after), "a re-run with a cell inserted above changed existing images")
        XCTAssertEqual(after.subtracting(before).count, 1)
    }

    func testSameSourceGivesTheSameNoiseOnFreshRuns() throws {
        try write("a.md", notebook)
        try runNotebooks()
        let first = try siteImages()
        try FileManager.default.removeItem(atPath: project + "/Output")
        try runNotebooks(fresh: true)
        XCTAssertEqual(try siteImages(), first)
    }

    func testDamagedCacheEntryIsRecomputedNotTrusted() throws {
        try write("a.md", notebook)
        try runNotebooks()
        let cells = project + "/.noisebook/cache/cells"
        for name in try FileManager.default.contentsOfDirectory(atPath: cells) {
            try "{\"key\": \"truncated".write(toFile: cells + "/" + name, atomically: true, encoding: .utf8)
        }
        let (summary, _) = try runNotebooks()
        XCTAssertEqual(summary.executed, 4)
        XCTAssertEqual(summary.failed, 0)
    }

    func testChangedInputFileInvalidatesTheCellThatReadIt() throws {
        try write("b.md", """
        ---
        seed: 1
        ---
        ```swift
        let m = rectangleMask(size: 4, x: 0, y: 0, width: 2, height: 2).rgb()
        saveImage(m, to: "images/m.png")
        ```
        """)
        try runNotebooks(paths: [project + "/Notebooks/b.md"])
        try write("c.md", """
        ---
        seed: 1
        ---
        ```swift
        let loaded = loadImage("images/m.png")
        print(loaded.mean())
        ```
        """)
        XCTAssertEqual(try runNotebooks(paths: [project + "/Notebooks/c.md"]).summary.executed, 1)
        XCTAssertEqual(try runNotebooks(paths: [project + "/Notebooks/c.md"]).summary.executed, 0)
        try FileManager.default.removeItem(atPath: project + "/Notebooks/images/m.png")
        try write("b.md", """
        ---
        seed: 1
        ---
        ```swift
        let m = rectangleMask(size: 4, x: 0, y: 0, width: 4, height: 4).rgb()
        saveImage(m, to: "images/m.png")
        ```
        """)
        try runNotebooks(paths: [project + "/Notebooks/b.md"])
        XCTAssertEqual(try runNotebooks(paths: [project + "/Notebooks/c.md"]).summary.executed, 1)
    }
}

/// `--embed`: pages carry their images as data URLs and need no other file.
final class EmbeddedImagesTests: RunnerTestCase {
    func testEmbeddedPageHoldsItsImages() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nshow(rectangleMask(size: 8, x: 2, y: 2, width: 4, height: 4), caption: \"m\")\n```\n")
        XCTAssertEqual(try runNotebooks(embedImages: true).summary.exitCode, 0)
        let html = try page("a.html")
        XCTAssertTrue(html.contains("src=\"data:image/png;base64,iVBORw0KGgo"), "the PNG is inline")
        XCTAssertFalse(html.contains("src=\"images/"), "no image is referenced by file")
    }
}

/// The cache keys a cell on its tokens: comments and spacing inside lines are not edits.
final class TokenKeyTests: RunnerTestCase {
    func testCommentsAndAlignmentAreHits() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet a = 1\nlet bb = a + 2\nprint(bb)\n```\n\n```swift\nprint(a * bb)\n```\n")
        XCTAssertEqual(try runNotebooks().summary.executed, 2)
        try write("a.md", "---\nseed: 1\n---\n```swift\n// the first value\nlet a  = 1      // one\nlet bb = a+2\n\nprint( bb )\n```\n\n```swift\nprint(a * bb)   // product\n```\n")
        let (summary, _) = try runNotebooks()
        XCTAssertEqual(summary.cached, 2, "comments and spacing change no key")
        XCTAssertEqual(summary.executed, 0)
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet a = 1\nlet bb = a + 3\nprint(bb)\n```\n\n```swift\nprint(a * bb)\n```\n")
        XCTAssertEqual(try runNotebooks().summary.executed, 2, "a changed token is an edit")
    }
}

/// The log tells an inserted cell from an edited one.
final class InsertedCellLogTests: RunnerTestCase {
    func testAnInsertedCellIsLoggedAsNew() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nprint(1)\n```\n\n```swift\nprint(2)\n```\n")
        try runNotebooks()
        try write("a.md", "---\nseed: 1\n---\n```swift\nprint(1)\n```\n\n```swift\nprint(5)\n```\n\n```swift\nprint(2)\n```\n")
        let text = try runNotebooks().log.joined(separator: "\n")
        XCTAssertTrue(text.contains("miss") && text.contains("(new cell)"), text)
        XCTAssertFalse(text.contains("source edited"), text)
        try write("a.md", "---\nseed: 1\n---\n```swift\nprint(1)\n```\n\n```swift\nprint(6)\n```\n\n```swift\nprint(2)\n```\n")
        XCTAssertTrue(try runNotebooks().log.joined(separator: "\n").contains("(source edited)"), "an edit is still an edit")
    }
}

/// A blob damaged on disk makes its cell run again, and the log says why.
final class DamagedBlobTests: RunnerTestCase {
    func testADamagedBlobIsRecomputedAndNamed() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet m = rectangleMask(size: 8, x: 1, y: 1, width: 4, height: 4)\nshow(m, caption: \"m\")\n```\n")
        try runNotebooks()
        let blobs = project + "/.noisebook/cache/blobs"
        let files = try FileManager.default.subpathsOfDirectory(atPath: blobs).filter { $0.count > 3 }
        XCTAssertFalse(files.isEmpty)
        for file in files {
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: blobs + "/" + file)))
            bytes[bytes.count / 2] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: blobs + "/" + file))
        }
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.executed, 1, log.joined(separator: "\n"))
        XCTAssertTrue(log.joined(separator: "\n").contains("cache entry damaged; recomputed"), log.joined(separator: "\n"))
        XCTAssertEqual(try runNotebooks().summary.cached, 1, "the recomputed entry is whole again")
    }
}
