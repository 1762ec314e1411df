import NN
import T5
import Tensor
import TestSupport
import XCTest

/// The automatic residency rule on T5 v1.1 XXL's shapes (DeepFloyd IF's text encoder),
/// decided from names and shapes alone: 4.7 billion parameters stay half precision.
final class T5ResidencyTests: XCTestCase {
    func testT5XXLStaysHalfPrecision() throws {
        let shapes = try T5EncoderModel.tensorShapes(config: T5Config.t5V11XXL())
        let provider = ShapeOnlyProvider(shapes)
        let parameters = Double(provider.parameterCount)
        // The encoder half of T5 v1.1 XXL: about 4.76 billion parameters.
        XCTAssertEqual(parameters / 1e9, 4.76, accuracy: 0.1, "\(parameters) parameters")
        XCTAssertTrue(WeightResidency.automatic.keepsHalf(provider), "\(parameters * 4 / Double(1 << 30)) GiB in Float32")
    }
}
