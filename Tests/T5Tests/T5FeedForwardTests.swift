import NN
import Tensor
import XCTest

@testable import T5

/// The three feed-forward forms on hand-checkable weights (d_model 2, d_ff 2, identity-like).
final class T5FeedForwardTests: XCTestCase {
    private func feedForward(_ projection: T5Config.FeedForwardProjection) throws -> T5FeedForward {
        let config = T5Config(vocabSize: 4, dModel: 2, dKV: 1, numHeads: 2, dFF: 2, numLayers: 1, feedForwardProjection: projection)
        let identity = Tensor(shape: [2, 2], scalars: [1, 0, 0, 1])
        let weights = TensorDictionary([
            "f.wi.weight": identity, "f.wi_0.weight": identity,
            "f.wi_1.weight": Tensor(shape: [2, 2], scalars: [2, 0, 0, 3]),
            "f.wo.weight": Tensor(shape: [2, 2], scalars: [1, 1, 0, 1]),
        ])
        return try T5FeedForward(WeightLoader(weights), "f", config: config)
    }

    func testActivationsAndGate() throws {
        let x = Tensor(shape: [1, 1, 2], scalars: [-1, 2])
        // relu: act = [0, 2]; wo rows (1, 1), (0, 1) -> [2, 2].
        XCTAssertEqual(try feedForward(.relu)(x).scalars, [2, 2])
        // gated-relu: act * (2x0, 3x1) = [0 * -2, 2 * 6] = [0, 12] -> [12, 12].
        XCTAssertEqual(try feedForward(.gatedRelu)(x).scalars, [12, 12])
        // gated-gelu: gelu_new(-1) * -2 and gelu_new(2) * 6.
        let g = { (v: Float) -> Float in 0.5 * v * (1 + tanh((2 / Float.pi).squareRoot() * (v + 0.044715 * v * v * v))) }
        let act = [g(-1) * -2, g(2) * 6]
        let out = try feedForward(.gatedGelu)(x).scalars
        XCTAssertEqual(out[0], act[0] + act[1], accuracy: 1e-5)
        XCTAssertEqual(out[1], act[1], accuracy: 1e-5)
        XCTAssertEqual(T5FeedForward.geluNew(0), 0)
        XCTAssertEqual(T5FeedForward.geluNew(1), 0.841_192, accuracy: 1e-6, "PyTorch's gelu(1, approximate='tanh')")
    }
}
