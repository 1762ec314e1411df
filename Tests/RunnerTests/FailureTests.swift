import Foundation
@testable import Runner
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
        XCTAssertTrue(text.contains("Notebooks/a.md: error: \(project)/Output/images/\(sidecar): "), text)
        XCTAssertFalse(text.contains("a.md:1:1"), text)
        XCTAssertTrue(text.contains("; 1 notebook could not be run"), text)
    }
}

/// A failed run loses nothing that was published: the last good images stay in the folder
/// and on the page, marked as from the previous run, until the notebook runs cleanly again.
final class PreviousRunTests: RunnerTestCase {
    private func notebook(front: String = "seed: 1", second: String = "show(rectangleMask(size: 8, x: 2, y: 2, width: 3, height: 3), caption: \"box\")") -> String {
        """
        ---
        \(front)
        ---
        ```swift
        show(ellipseMask(size: 8, centerX: 4, centerY: 4, radiusX: 2, radiusY: 3), caption: "oval")
        ```

        ```swift
        \(second)
        ```
        """
    }

    func testAFrontMatterTypoKeepsEveryImageAndShowsThemMarked() throws {
        try write("a.md", notebook())
        try runNotebooks()
        let good = try siteImages()
        XCTAssertEqual(good.count, 2)
        try write("a.md", notebook(front: "sed: 1"))
        let (summary, _) = try runNotebooks()
        XCTAssertEqual(summary.exitCode, 65)
        XCTAssertEqual(try siteImages(), good, "the images of the last good page stay")
        let html = try page("a.html")
        XCTAssertTrue(html.contains("unknown front-matter key &#39;sed&#39;") || html.contains("unknown front-matter key 'sed'"), html)
        XCTAssertTrue(html.contains(Self.marker), "the kept figures are marked")
        for png in good { XCTAssertTrue(html.contains("images/\(png)"), "\(png) is shown") }
        let errorAt = try XCTUnwrap(html.range(of: "unknown front-matter key"))
        let keptAt = try XCTUnwrap(html.range(of: Self.marker))
        XCTAssertLessThan(errorAt.lowerBound, keptAt.lowerBound, "the error comes first")

        try write("a.md", notebook(second: "show(rectangleMask(size: 8, x: 1, y: 1, width: 5, height: 2), caption: \"bar\")"))
        XCTAssertEqual(try runNotebooks().summary.exitCode, 0)
        let now = try siteImages()
        XCTAssertEqual(now.count, 2, "a successful run cleans up as before")
        XCTAssertFalse(try page("a.html").contains(Self.marker))
    }

    func testAFailingCellKeepsItsLastGoodFiguresUnderItsError() throws {
        try write("a.md", notebook())
        try runNotebooks()
        let good = try siteImages()
        try write("a.md", notebook(second: "show(rectangleMask(size: 8, x: 2, y: 2, width: 3, height: 3), caption: 1 / 0)"))
        XCTAssertEqual(try runNotebooks().summary.exitCode, 65)
        XCTAssertEqual(try siteImages(), good)
        let html = try page("a.html")
        XCTAssertTrue(html.contains(Self.marker), html)
        XCTAssertEqual(html.components(separatedBy: Self.marker).count - 1, 1, "only the failed cell's figure is repeated")
        XCTAssertTrue(html.contains("box"), "its caption is kept")
    }

    private static let marker = "From the previous successful run"
}

/// An error inside a function points at the failing line itself, then names every call that
/// led there, each at its own place in the notebook, whichever cell declared the functions.
final class CallChainTests: RunnerTestCase {
    func testAnErrorThreeFunctionsDeepNamesEachCall() throws {
        try write("a.md", """
        ---
        seed: 1
        ---
        ```swift
        func a(_ x: Int) -> Int {
            let xs = [1, 2]
            return xs[x + 5]
        }
        func b(_ x: Int) -> Int { return a(x) + 1 }
        ```

        ```swift
        func c(_ x: Int) -> Int {
            return b(x) * 2
        }
        ```

        ```swift
        let y = c(0)
        ```
        """)
        let (_, log) = try runNotebooks()
        let text = log.joined(separator: "\n")
        let expected = [
            "Notebooks/a.md:7:15: error: index 5 out of range for count 2",
            "    return xs[x + 5]",
            "Notebooks/a.md:9:34: note: 'a' called from 'b' here",
            "Notebooks/a.md:14:12: note: 'b' called from 'c' here",
            "Notebooks/a.md:19:9: note: 'c' called from the cell here",
            "let y = c(0)",
        ]
        var from = text.startIndex
        for line in expected {
            guard let found = text.range(of: line, range: from..<text.endIndex) else {
                XCTFail("missing, in order: \(line)\n\(text)")
                return
            }
            from = found.upperBound
        }
    }

    func testFunctionsOfTheSameCellNameEachCallToo() throws {
        try write("a.md", """
        ---
        seed: 1
        ---
        ```swift
        func inner(_ x: Int) -> Int { return 10 / x }
        func middle(_ x: Int) -> Int { return inner(x) }
        let z = middle(0)
        ```
        """)
        let text = try runNotebooks().log.joined(separator: "\n")
        XCTAssertTrue(text.contains("Notebooks/a.md:5:"), text)
        XCTAssertTrue(text.contains("Notebooks/a.md:6:39: note: 'inner' called from 'middle' here"), text)
        XCTAssertTrue(text.contains("Notebooks/a.md:7:9: note: 'middle' called from the cell here"), text)
    }
}

/// A cell that does not parse still counts as the definer of its names: readers are skipped
/// with the reason, not told that the name does not exist.
final class ParseFailureTests: RunnerTestCase {
    func testReadersOfACellThatDoesNotParseAreSkipped() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nlet n = (1 +\nlet (a, b) = (1, 2)\nfunc f(_ x: Int) -> Int { return x }\n```\n\n```swift\nprint(n)\n```\n\n```swift\nprint(f(b))\n```\n")
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.failed, 1)
        XCTAssertEqual(summary.skipped, 2)
        let text = log.joined(separator: "\n")
        XCTAssertFalse(text.contains("cannot find 'n' in scope"), text)
        XCTAssertTrue(try page("a.html").contains("it reads &#39;n&#39;, which cell 1") || page("a.html").contains("it reads 'n', which cell 1"))
        XCTAssertEqual(NotebookRun.declaredNames("let n = (1 +\nlet (a, b) = (1, 2)\n  var c: Int = 3\nfunc f(_ x: Int) -> Int { 1 }\nprint(x)"), ["n", "a", "b", "c", "f"])
    }
}

/// What a cell printed and showed before its failing line stays on the page, the error after.
final class PartialOutputTests: RunnerTestCase {
    func testOutputBeforeTheFailingLineIsKept() throws {
        try write("a.md", "---\nseed: 1\n---\n```swift\nprint(\"first line ran\")\nshow(rectangleMask(size: 4, x: 0, y: 0, width: 2, height: 2), caption: \"shown before\")\nlet x = 1 / 0\n```\n")
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.failed, 1)
        XCTAssertTrue(log.joined(separator: "\n").contains("first line ran"))
        let html = try page("a.html")
        let printed = try XCTUnwrap(html.range(of: "first line ran"))
        let shown = try XCTUnwrap(html.range(of: "shown before"))
        let error = try XCTUnwrap(html.range(of: "a.md:7:"))
        XCTAssertLessThan(printed.lowerBound, error.lowerBound)
        XCTAssertLessThan(shown.lowerBound, error.lowerBound)
        XCTAssertEqual(try siteImages().count, 1, "the image shown before the failure is published")
    }
}
