import Tensor
import TestSupport
import XCTest

/// The comparison every numeric test uses fails on NaN wherever it stands: a fold with
/// `Swift.max` would return 0 for `[0, .nan]` against `[0, 0]`.
final class ComparisonSelfTests: XCTestCase {
    func testNaNIsNeverClose() {
        XCTAssertTrue(maxAbsDifference([Float(0), .nan], [0, 0]).isNaN)
        XCTAssertTrue(maxAbsDifference([Float.nan, 0], [0, 0]).isNaN)
        XCTAssertTrue(maxAbsDifference([Float](repeating: .nan, count: 4), [0, 0, 0, 0]).isNaN, "all NaN")
        XCTAssertTrue(maxAbsDifference([0.0, .nan], [0.0, 0.0]).isNaN)
        XCTAssertFalse(maxAbsDifference([Float(0), .nan], [0, 0]) <= 1e-3, "a tolerance check fails")
        XCTAssertEqual(maxAbsDifference([Float(1), -2], [1, 0]), 2)
    }
}
