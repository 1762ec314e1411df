import DeepFloyd
import NN
import Tensor
import TestSupport
import XCTest

/// The automatic residency rule on DeepFloyd IF's published UNet shapes, decided from names
/// and shapes alone (no weights on this machine, no tensor read): IF-I-M, IF-I-L and IF-II-L
/// are widened to Float32, IF-I-XL stays half precision.
final class PublishedShapeResidencyTests: XCTestCase {
    func testAutomaticResidencyByPublishedSize() throws {
        // Parameter counts from the model cards (0.4B, 0.9B, 4.3B, 1.2B): the shape list must
        // be the real one, within 10%, for the decision to mean anything.
        let cases: [(model: PublishedUNet, billions: Double, keepsHalf: Bool)] = [
            (.medium, 0.4, false), (.large, 0.9, false), (.extraLarge, 4.3, true), (.stageIILarge, 1.2, false),
        ]
        for (model, billions, keepsHalf) in cases {
            let shapes = try IFUNet.tensorShapes(config: model.config())
            let provider = ShapeOnlyProvider(shapes)
            XCTAssertEqual(provider.names.count, shapes.count, "\(model.name): tensor names are unique")
            let parameters = Double(provider.parameterCount)
            XCTAssertEqual(parameters / 1e9, billions, accuracy: billions * 0.1, "\(model.name): \(parameters) parameters")
            XCTAssertEqual(WeightResidency.automatic.keepsHalf(provider), keepsHalf,
                           "\(model.name): \(parameters * 4 / Double(1 << 30)) GiB in Float32 against the \(WeightResidency.automaticFloat32Limit >> 30) GiB limit")
            XCTAssertFalse(WeightResidency.float32.keepsHalf(provider), model.name)
            XCTAssertTrue(WeightResidency.float16.keepsHalf(provider), model.name)
        }
    }
}
