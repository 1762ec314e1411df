import XCTest
@testable import Report

/// Badge text and duration formatting.
final class DurationTests: XCTestCase {
    func testFormat() {
        XCTAssertEqual(Duration.format(0), "0.0 s")
        XCTAssertEqual(Duration.format(3.24), "3.2 s")
        XCTAssertEqual(Duration.format(3.25), "3.3 s")
        XCTAssertEqual(Duration.format(59.96), "1 min 00 s")
        XCTAssertEqual(Duration.format(125), "2 min 05 s")
        XCTAssertEqual(Duration.format(3725), "1 h 02 min")
        XCTAssertEqual(Duration.format(-1), "0.0 s")
        XCTAssertEqual(Duration.format(.nan), "0.0 s")
    }

    func testBadges() {
        func badge(_ status: CellReport.Status, _ note: String) -> String {
            PageWriter.badge(CellReport(index: 0, source: "", line: 1, status: status, cacheNote: note))
        }
        XCTAssertEqual(badge(.cached(3.2), "hit"), "cached (ran 3.2 s)")
        XCTAssertEqual(badge(.executed(3.2), "miss: source edited"), "ran 3.2 s — miss: source edited")
        XCTAssertEqual(badge(.failed(0.5), "miss: input changed"), "failed after 0.5 s — miss: input changed")
        XCTAssertEqual(badge(.skipped, ""), "skipped")
    }

    func testDisplaySize() {
        XCTAssertTrue(FigureWriter.displaySize(width: 64, height: 64) == (192, 192))
        XCTAssertTrue(FigureWriter.displaySize(width: 256, height: 128) == (512, 256))
        XCTAssertTrue(FigureWriter.displaySize(width: 1024, height: 1024) == (1024, 1024))
    }
}
