import Foundation
import XCTest

/// Keys follow the values a cell reads, random draws follow each call, and the output folder
/// holds what its pages use: the edits a student makes, with what should and should not run.
final class ValueKeyTests: RunnerTestCase {
    private func notebook(caption: String = "original", levels: String = "[250, 500]", seed: Int = 5, padding: String = "") -> String {
        """
        ---
        title: Values
        seed: \(seed)
        ---
        ```swift
        let photo = rectangleMask(size: 16, x: 4, y: 4, width: 8, height: 6).rgb()\(padding)
        show(photo, caption: "\(caption)")
        ```

        ```swift
        for t in \(levels) {
            show(forward(photo, t: t), caption: "t = \\(t)")
        }
        ```
        """
    }

    /// The cell lines of a run's log, each as "hit" or its miss reason.
    private func verdicts(_ log: [String]) -> [String] {
        log.filter { $0.contains("  cell ") && $0.contains("(line ") }.map { line in
            line.contains(" hit ") ? "hit" : (line.range(of: "(", options: .backwards).map { String(line[$0.lowerBound...]) } ?? line)
        }
    }

    /// The site image shown under `caption` on the page (its file name).
    private func image(captioned caption: String) throws -> String? {
        let html = try page("values.html")
        guard let captionRange = html.range(of: "<span class=\"caption\">\(caption)</span>") else { return nil }
        let before = html[..<captionRange.lowerBound]
        guard let src = before.range(of: "src=\"images/", options: .backwards) else { return nil }
        return String(before[src.upperBound...].prefix { $0 != "\"" })
    }

    func testACaptionEditReRunsOnlyTheEditedCell() throws {
        try write("values.md", notebook())
        try runNotebooks()
        let noisy = try image(captioned: "t = 250")
        try write("values.md", notebook(caption: "Chelsea"))
        let log = try runNotebooks().log
        XCTAssertEqual(verdicts(log), ["(source edited)", "hit"], log.joined(separator: "\n"))
        XCTAssertEqual(try image(captioned: "t = 250"), noisy)
    }

    func testChangingOneLoopItemKeepsTheOthersImages() throws {
        try write("values.md", notebook(levels: "[250, 500]"))
        try runNotebooks()
        let first = try XCTUnwrap(try image(captioned: "t = 250"))
        let second = try XCTUnwrap(try image(captioned: "t = 500"))
        try write("values.md", notebook(levels: "[250, 600]"))
        try runNotebooks()
        XCTAssertEqual(try image(captioned: "t = 250"), first, "the unchanged item draws the same noise")
        XCTAssertNotNil(try image(captioned: "t = 600"))
        XCTAssertNotEqual(try image(captioned: "t = 600"), second)
    }

    func testIdenticalCallsInACellStillDrawDifferentNoise() throws {
        try write("values.md", """
        ---
        title: Values
        seed: 5
        ---
        ```swift
        let photo = rectangleMask(size: 16, x: 4, y: 4, width: 8, height: 6).rgb()
        show([forward(photo, t: 500), forward(photo, t: 500)], captions: ["a", "b"])
        ```
        """)
        try runNotebooks()
        XCTAssertNotEqual(try image(captioned: "a"), try image(captioned: "b"))
    }

    func testSeedWhitespaceAndEditsInTheKey() throws {
        try write("values.md", notebook())
        try runNotebooks()
        try write("values.md", notebook(padding: "   "))
        XCTAssertEqual(verdicts(try runNotebooks().log), ["hit", "hit"], "trailing spaces change nothing")
        try write("values.md", notebook(seed: 6))
        XCTAssertEqual(verdicts(try runNotebooks().log), ["(seed changed)", "(seed changed)"])
    }

    func testTheOutputFolderHoldsOnlyWhatPagesUse() throws {
        try write("values.md", notebook(levels: "[250, 500]"))
        try write("other.md", """
        ---
        title: Other
        ---
        ```swift
        show(rectangleMask(size: 16, x: 4, y: 4, width: 8, height: 6).rgb(), caption: "same pixels as photo")
        ```
        """)
        try runNotebooks()
        try write("values.md", notebook(levels: "[300, 600]"))
        try runNotebooks()
        let used = Set(try ["values.html", "other.html", "index.html"].flatMap { name -> [String] in
            let html = try page(name)
            return html.components(separatedBy: "src=\"images/").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        })
        XCTAssertEqual(try siteImages(), used, "every image file is used by a page, and every used one is there")
        let sidecars = try FileManager.default.contentsOfDirectory(atPath: project + "/Output/images").filter { $0.hasSuffix(".json") }
        XCTAssertEqual(Set(sidecars.map { $0.replacingOccurrences(of: ".json", with: ".png") }), used)
        // The mask is shown by both notebooks: its sidecar names both cells.
        let mask = try XCTUnwrap(try image(captioned: "original"))
        let sidecar = try String(contentsOfFile: project + "/Output/images/" + mask.replacingOccurrences(of: ".png", with: ".json"), encoding: .utf8)
        XCTAssertTrue(sidecar.contains("same pixels as photo") && sidecar.contains("\"original\""), sidecar)
    }

    func testAnEarlierLetIsConstantAndHintsKnowEarlierNames() throws {
        try write("values.md", """
        ---
        title: Values
        parameters:
          levels: [250, 500]
        ---
        ```swift
        let photo = rectangleMask(size: 16, x: 4, y: 4, width: 8, height: 6).rgb()
        var count = 1
        ```

        ```swift
        photo = photo * 0.5
        ```

        ```swift
        count += 1
        let a = forward(phot, t: 250)
        ```

        ```swift
        print(level)
        ```
        """)
        let log = try runNotebooks().log.joined(separator: "\n")
        XCTAssertTrue(log.contains("Notebooks/values.md:12:1: error: cannot assign to value: 'photo' is a 'let' constant"), log)
        XCTAssertTrue(log.contains("note: 'photo' was declared with 'let' in cell 1, line 7"), log)
        XCTAssertTrue(log.contains("cannot find 'phot' in scope\nlet a = forward(phot, t: 250)\n                ^~~~\nnote: did you mean 'photo'?"), log)
        XCTAssertTrue(log.contains("cannot find 'level' in scope\nprint(level)\n      ^~~~~\nnote: did you mean 'levels'?"), log)
    }
}

/// Functions declared in cells are values: editing one re-runs exactly the cells that call it.
final class FunctionKeyTests: RunnerTestCase {
    private func notebook(body: String) -> String {
        """
        ---
        title: Functions
        ---
        ```swift
        func bump(_ x: Int) -> Int { return \(body) }
        ```

        ```swift
        let a = bump(1)
        print(a)
        ```

        ```swift
        let b = 5
        ```

        ```swift
        let c = bump(b)
        print(c)
        ```
        """
    }

    func testEditingAFunctionReRunsTheCellsThatCallIt() throws {
        try write("f.md", notebook(body: "x + 1"))
        try runNotebooks()
        try write("f.md", notebook(body: "x + 10"))
        let (summary, log) = try runNotebooks()
        let lines = log.filter { $0.contains("  cell ") && $0.contains("(line ") }
        XCTAssertEqual(summary.executed, 3, log.joined(separator: "\n"))
        XCTAssertTrue(lines[0].contains("source edited"), lines[0])
        XCTAssertTrue(lines[1].contains("'bump' changed"), lines[1])
        XCTAssertTrue(lines[2].contains(" hit "), lines[2])
        XCTAssertTrue(lines[3].contains("'bump' changed"), lines[3])
        XCTAssertTrue(log.contains("      | 15"), log.joined(separator: "\n"))
        // A function restored from the cache runs like the original.
        try write("f.md", notebook(body: "x + 10") + "\n\n```swift\nprint(bump(100))\n```\n")
        let again = try runNotebooks().log
        XCTAssertTrue(again.contains("      | 110"), again.joined(separator: "\n"))
    }
}
