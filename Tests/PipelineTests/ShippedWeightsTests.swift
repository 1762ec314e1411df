import Digest
import Foundation
import Pipeline
import Tensor
import TestSupport
import Weights
import XCTest

/// The weights noisebook ships (Models/trained) through the pipeline users run, against
/// diffusers' UNet2DConditionModel on the same files: fixture Tests/noisebookTests/Fixtures/
/// trained-shipped, made by tools/train/make_trained_fixture.py.
final class ShippedWeightsTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let model = root + "/Models/trained"
    static let fixture = root + "/Tests/noisebookTests/Fixtures/trained-shipped"

    struct Expected: Decodable {
        struct Prompt: Decodable { let text: String; let tokens: [Int] }
        let prompts: [Prompt]
        let timesteps: [Int]
        let weights: String
        let weightsSHA256: String
        let max_abs_output: Float
    }

    func testTheShippedUNetMatchesDiffusers() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/expected.json")))
        let weights = try Data(contentsOf: URL(fileURLWithPath: Self.model + "/" + expected.weights))
        XCTAssertEqual(SHA256.hex([UInt8](weights)), expected.weightsSHA256,
                       "Models/trained changed since the fixture was made: rerun tools/train/make_trained_fixture.py")
        let resolver = ModelResolver(projectRoot: NSTemporaryDirectory())
        let model = try XCTUnwrap(try resolver.trained(folder: Self.model).load)()
        let inputs = try SafetensorsFile(path: Self.fixture + "/inputs.safetensors")
        let stored = try inputs.tensor(named: "encoder_hidden_states")                    // [2, 77, D]
        let conditions = try expected.prompts.map { try model.condition($0.text) }
        for (b, condition) in conditions.enumerated() {
            XCTAssertEqual(try XCTUnwrap(condition.embedding).scalars, stored.slice(b).scalars, "the word table's rows for \"\(condition.prompt)\"")
        }
        let prediction = try model.denoiser.predict(try inputs.tensor(named: "x"), timesteps: expected.timesteps, conditions: conditions)
        let output = try SafetensorsFile(path: Self.fixture + "/expected.safetensors").tensor(named: "output")  // [2, 6, S, S]
        let noise = try output.channels(0..<3), variance = try output.channels(3..<6)
        // Float32 on both sides, different summation orders: 1e-4 of the largest output.
        assertClose(prediction.noise, noise, tolerance: 1e-4 * expected.max_abs_output, "noise channels")
        assertClose(try XCTUnwrap(prediction.variance), variance, tolerance: 1e-4 * expected.max_abs_output, "variance channels")
    }
}

private extension Tensor {
    /// Channels `range` of `[B, C, H, W]`.
    func channels(_ range: Range<Int>) throws -> Tensor {
        let (batch, count, plane) = (shape[0], shape[1], shape[2] * shape[3])
        var values = [Float]()
        for b in 0..<batch {
            values += scalars[(b * count + range.lowerBound) * plane..<(b * count + range.upperBound) * plane]
        }
        return Tensor(shape: [batch, range.count, shape[2], shape[3]], scalars: values)
    }
}
