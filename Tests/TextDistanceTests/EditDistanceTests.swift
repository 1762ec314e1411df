import TextDistance
import XCTest

final class EditDistanceTests: XCTestCase {
    func testKnownDistances() {
        XCTAssertEqual(EditDistance.between("kitten", "sitting"), 3)   // the textbook example
        XCTAssertEqual(EditDistance.between("", "abc"), 3)
        XCTAssertEqual(EditDistance.between("abc", ""), 3)
        XCTAssertEqual(EditDistance.between("forwrd", "forward"), 1)
        XCTAssertEqual(EditDistance.between("flaw", "lawn"), 2)
        XCTAssertEqual(EditDistance.between("same", "same"), 0)
        XCTAssertEqual(EditDistance.between("é", "e"), 1, "characters, not bytes")
    }

    func testASwapOfNeighboursIsOneEdit() {
        XCTAssertEqual(EditDistance.between("rnu", "run"), 1)
        XCTAssertEqual(EditDistance.between("iStrat", "iStart"), 1)
        XCTAssertEqual(EditDistance.between("abcd", "badc"), 2, "two separate swaps")
        // Optimal string alignment edits no substring twice: "ca" -> "ac" -> "abc" is not
        // allowed, so this is 3, not 2.
        XCTAssertEqual(EditDistance.between("ca", "abc"), 3)
    }

    func testSymmetric() {
        for (a, b) in [("rocket", "rockt ship"), ("iStart", "istart"), ("", "x")] {
            XCTAssertEqual(EditDistance.between(a, b), EditDistance.between(b, a))
        }
    }
}
