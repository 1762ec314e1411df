import Tensor
import XCTest
@testable import NN

/// T5's RMS normalisation: no mean subtraction, no bias.
final class RMSNormTests: XCTestCase {
    func testScalesByRootMeanSquareAndWeight() throws {
        let weights = TensorDictionary(["n.weight": Tensor(shape: [2], scalars: [1, 10])])
        let norm = try RMSNorm(WeightLoader(weights), "n", width: 2, eps: 0)
        // Row (3, 4): mean square 12.5; row (0, 0) with eps 0 would be 0/0, so eps matters below.
        let out = try norm(Tensor(shape: [1, 1, 2], scalars: [3, 4]))
        let r = Float(12.5).squareRoot()
        XCTAssertEqual(out.shape, [1, 1, 2])
        XCTAssertEqual(out.scalars[0], 3 / r, accuracy: 1e-6)
        XCTAssertEqual(out.scalars[1], 10 * 4 / r, accuracy: 1e-5)
        let eps = try RMSNorm(WeightLoader(weights), "n", width: 2, eps: 1)
        XCTAssertEqual(try eps(Tensor(shape: [2], scalars: [0, 0])).scalars, [0, 0])
        XCTAssertThrowsError(try norm(Tensor(shape: [3], scalars: [1, 2, 3])))
    }
}
