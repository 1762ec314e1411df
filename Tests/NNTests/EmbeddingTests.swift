import Tensor
import XCTest
@testable import NN

/// Row lookup from Float32 and half-precision tables.
final class EmbeddingTests: XCTestCase {
    func testLooksUpRowsFromEitherStorage() throws {
        let table = Tensor(shape: [3, 2], scalars: [0, 1, 2, 3, 4, 5])
        let wide = try Embedding(WeightLoader(TensorDictionary(["e.weight": table])), "e", count: 3, width: 2)
        XCTAssertEqual(try wide([2, 0, 2]), Tensor(shape: [3, 2], scalars: [4, 5, 0, 1, 4, 5]))
        // 0, 1, ..., 5 as IEEE halves.
        let half = Embedding(weight: Parameter(name: "e.weight", shape: [3, 2],
                                               float16Bits: [0x0000, 0x3C00, 0x4000, 0x4200, 0x4400, 0x4500]))
        XCTAssertTrue(half.weight.isHalf)
        XCTAssertEqual(try half([1]), Tensor(shape: [1, 2], scalars: [2, 3]))
        XCTAssertThrowsError(try wide([3])) { error in
            XCTAssertEqual("\(error)", "\(TensorError.invalidArgument("e.weight: index 3 is outside 0..<3"))")
        }
    }
}
