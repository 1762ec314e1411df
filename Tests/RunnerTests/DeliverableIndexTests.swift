import Foundation
import Runner
import XCTest

/// Cells declare which deliverables they answer; the index links every answer and flags the
/// deliverables nothing answers.
final class DeliverableIndexTests: RunnerTestCase {
    private let table = """
    # id   what is asked
    p-one   The first thing asked
    p-two   The second thing asked
    p-three The third thing asked
    """

    func testIndexLinksAnswersAndFlagsTheMissingOne() throws {
        try write("deliverables.txt", table)
        try write("1-first.md", """
        ---
        seed: 1
        ---
        ```swift
        deliverable("p-one")
        print("the seed is 1")
        ```
        """)
        try write("2-second.md", """
        ---
        seed: 1
        ---
        ```swift
        let m = rectangleMask(size: 8, x: 0, y: 0, width: 4, height: 4)
        show(m, caption: "a mask", deliverable: "p-two")
        show(1 - m, caption: "its complement", deliverable: "p-two")
        ```
        """)
        let (summary, _) = try runNotebooks()
        XCTAssertEqual(summary.exitCode, 0)
        let index = try page("index.html")
        let rows = Self.rows(index)
        XCTAssertEqual(rows["p-one"], ["1-first.html#d-p-one-c1-1"])
        // Answered twice: both places are linked.
        XCTAssertEqual(rows["p-two"], ["2-second.html#d-p-two-c1-1", "2-second.html#d-p-two-c1-3"])
        XCTAssertEqual(rows["p-three"], [])
        XCTAssertTrue(index.contains("2 of 3 answered"), index)
        XCTAssertTrue(index.contains("1 deliverable unanswered"))
        XCTAssertTrue(index.contains("<tr class=\"missing\"><td>p-three</td>"))
        // The anchors the index links to exist on the pages, with what is asked.
        let second = try page("2-second.html")
        XCTAssertTrue(second.contains("id=\"d-p-two-c1-1\""))
        XCTAssertTrue(second.contains("id=\"d-p-two-c1-3\""))
        XCTAssertTrue(second.contains("The second thing asked"))
        XCTAssertTrue(index.contains(">2 · a mask<"), "the link names the figure that answers")
        XCTAssertTrue(index.contains(">2 · its complement<"))

        // A page served from the cache keeps its answers, and one run of a single notebook
        // keeps the other page's.
        try runNotebooks(paths: [project + "/Notebooks/2-second.md"])
        XCTAssertEqual(Self.rows(try page("index.html")), rows)
    }

    func testAnUnknownIdIsAnErrorAtItsCall() throws {
        try write("deliverables.txt", table)
        try write("a.md", """
        ---
        seed: 1
        ---
        ```swift
        let m = rectangleMask(size: 8, x: 0, y: 0, width: 4, height: 4)
        show(m, deliverable: "p-tow")
        ```
        """)
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.exitCode, 65)
        let text = log.joined(separator: "\n")
        XCTAssertTrue(text.contains("Notebooks/a.md:6:22: error: 'p-tow' is not a deliverable of Notebooks/deliverables.txt"), text)
        XCTAssertTrue(text.contains("did you mean 'p-two'?"), text)
    }

    func testWithoutATableTheIndexHasNoCoverageAndAnAnswerIsANote() throws {
        try write("a.md", """
        ---
        seed: 1
        ---
        ```swift
        print(1)
        ```

        ```swift
        deliverable("p-one")
        ```
        """)
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.exitCode, 0, "a notebook copied without its table still runs")
        XCTAssertFalse(try page("index.html").contains("Deliverables"))
        XCTAssertTrue(log.joined(separator: "\n").contains("no deliverables.txt beside this notebook, so the index cannot list 'p-one'"))
        XCTAssertTrue(try page("a.html").contains("not in the deliverables table"), "the page still marks the place")
    }

    func testABrokenTableIsReportedWhereItIsWrong() throws {
        try write("deliverables.txt", "p-one  first\np-one  again\n")
        try write("a.md", "---\nseed: 1\n---\n```swift\nprint(1)\n```\n")
        let (summary, log) = try runNotebooks()
        XCTAssertEqual(summary.exitCode, 65)
        XCTAssertTrue(log.contains("Notebooks/deliverables.txt:2:1: error: deliverable 'p-one' is already defined on line 1"), "\(log)")
    }

    /// The links of each row of the index's deliverables table, by id.
    static func rows(_ index: String) -> [String: [String]] {
        var rows = [String: [String]]()
        guard let start = index.range(of: "<tbody>"), let end = index.range(of: "</tbody>") else { return rows }
        for row in index[start.upperBound..<end.lowerBound].components(separatedBy: "</tr>") {
            guard let idStart = row.range(of: "<td>"), let idEnd = row.range(of: "</td>", range: idStart.upperBound..<row.endIndex) else { continue }
            let id = String(row[idStart.upperBound..<idEnd.lowerBound])
            rows[id] = row.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        }
        return rows
    }
}
