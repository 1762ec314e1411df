import Notebook
import XCTest

/// `deliverables.txt`: ids and descriptions in order, comments skipped, mistakes located.
final class DeliverableTableTests: XCTestCase {
    func testReadsRowsInOrderSkippingComments() throws {
        let table = try DeliverableTable(path: "Notebooks/deliverables.txt", text: """
        # id   what is asked

        1.1-forward   forward(im, t) implemented
        \t1.1-noisy\tThe test image at three noise levels  \r
        """)
        XCTAssertEqual(table.rows, [
            DeliverableTable.Row(id: "1.1-forward", text: "forward(im, t) implemented", line: 3),
            DeliverableTable.Row(id: "1.1-noisy", text: "The test image at three noise levels", line: 4),
        ])
        XCTAssertEqual(table.row("1.1-noisy")?.line, 4)
        XCTAssertNil(table.row("1.2-blur"))
    }

    func testMistakesNameTheirLineAndColumn() {
        func error(_ text: String) -> String {
            do {
                _ = try DeliverableTable(path: "d.txt", text: text)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(error("a-1  first\n  a-1  again"), "d.txt:2:3: error: deliverable 'a-1' is already defined on line 1")
        XCTAssertEqual(error("# c\nlonely"), "d.txt:2:1: error: deliverable 'lonely' has no description: write the id, then what the assignment asks")
        XCTAssertEqual(error("ok  fine\n 1.7/own  two edits"),
                       "d.txt:2:5: error: a deliverable id has letters, digits, '.', '-' and '_' only; '1.7/own' has '/'")
    }

    func testTheShippedTableReads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Notebooks/deliverables.txt").path
        let table = try DeliverableTable(path: path, text: try String(contentsOfFile: path, encoding: .utf8))
        // One row per deliverable bullet of the assignment, implementations included.
        XCTAssertEqual(table.rows.count, 30)
        for id in ["1.1-forward", "1.4-denoise", "1.6-cfg", "1.7.2-inpaint", "1.8-anagrams", "1.9-hybrids"] {
            XCTAssertNotNil(table.row(id), id)
        }
    }
}
