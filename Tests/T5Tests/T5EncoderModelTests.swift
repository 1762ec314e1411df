import Foundation
import NN
import Tensor
import TestSupport
import Weights
import XCTest

@testable import T5

/// The encoder against transformers' T5EncoderModel on the two fixture models of
/// tools/make_t5_fixtures.py, read through ShardedCheckpoint as transformers saved them:
/// t5-a (fp32, 3 safetensors shards, 4 heads x d_kv 8 != d_model 48, L = 77) and t5-b
/// (fp16 torch .bin shards, 16 buckets, max distance 20, L = 24). Each has a row that is
/// the "" prompt (EOS then padding), whose padded rows are compared too.
final class T5EncoderModelTests: XCTestCase {
    private func encode(_ name: String, folder: String? = nil, residency: WeightResidency) throws -> (Tensor, T5EncoderModel) {
        let folder = folder ?? name
        let inputs = try Fixtures.decode(FixtureInputs.self, name, "inputs.json")
        let model = try T5EncoderModel(configJSON: try Fixtures.data(folder, "config.json"),
                                       weights: try ShardedCheckpoint(folder: try Fixtures.path(folder)), residency: residency)
        return (try model.encode(ids: inputs.input_ids, mask: inputs.attention_mask), model)
    }

    private func assertMatchesTransformers(_ output: Tensor, _ name: String, _ what: String) throws {
        let inputs = try Fixtures.decode(FixtureInputs.self, name, "inputs.json")
        let expected = try XCTUnwrap(try Fixtures.safetensors(name, "expected.safetensors")["last_hidden_state"])
        XCTAssertEqual(output.shape, inputs.shape)
        XCTAssertEqual(expected.shape, inputs.shape)
        // Within 1e-4 of the largest |value|: Float32 rounding through the layers and the
        // sharp, unscaled softmax (transformers itself is 3e-6 of it from a float64 forward).
        let difference = maxAbsDifference(output.scalars, expected.scalars)
        XCTAssertLessThanOrEqual(difference, 1e-4 * inputs.max_abs, "\(what): max |ours - transformers| = \(difference)")
        print("\(what): max |ours - transformers| = \(difference) (\(difference / inputs.max_abs) of max |value| \(inputs.max_abs))")
    }

    func testFloat32ShardedSafetensorsModelMatchesTransformers() throws {
        let (output, model) = try encode("t5-a", residency: .automatic)
        XCTAssertFalse(model.keepsHalfWeights)
        try assertMatchesTransformers(output, "t5-a", "t5-a")
    }

    func testFloat16ShardedTorchModelMatchesTransformers() throws {
        let (output, _) = try encode("t5-b", residency: .float32)
        try assertMatchesTransformers(output, "t5-b", "t5-b")
    }

    func testWholeStateDictCheckpointMatchesTransformers() throws {
        let (output, _) = try encode("t5-b", folder: "t5-b-whole", residency: .automatic)
        try assertMatchesTransformers(output, "t5-b", "t5-b-whole")
    }

    /// Half-precision residency: every weight stays fp16 (the size threshold lowered so that
    /// this small model's tensors count as large), widened per layer, with the same output.
    func testFloat16ResidencyKeepsWeightsHalfAndGivesTheSameOutput() throws {
        let inputs = try Fixtures.decode(FixtureInputs.self, "t5-b", "inputs.json")
        let config = try T5Config(json: try Fixtures.data("t5-b", "config.json"))
        let checkpoint = try ShardedCheckpoint(folder: try Fixtures.path("t5-b"))
        let half = try T5EncoderModel(config: config, loader: WeightLoader(checkpoint, keepHalf: true, smallTensorLimit: 0))
        var parameters = [Parameter]()
        half.forEachParameter { parameters.append($0) }
        XCTAssertEqual(parameters.count, try T5EncoderModel.tensorShapes(config: config).count)
        for p in parameters { XCTAssertTrue(p.isHalf, p.name) }
        XCTAssertTrue(half.keepsHalfWeights)
        XCTAssertEqual(half.weightByteCount, 2 * half.parameterCount)
        let halfOutput = try half.encode(ids: inputs.input_ids, mask: inputs.attention_mask)
        try assertMatchesTransformers(halfOutput, "t5-b", "t5-b fp16-resident")
        let (wide, model) = try encode("t5-b", residency: .float32)
        XCTAssertFalse(model.keepsHalfWeights)
        XCTAssertEqual(model.weightByteCount, 4 * model.parameterCount)
        // Half-resident linears run W x^T on noisebook's kernel (reading the halves in place),
        // Float32 ones x W^T on OpenBLAS: the same values, summed in another order.
        XCTAssertLessThanOrEqual(maxAbsDifference(halfOutput.scalars, wide.scalars), 1e-5 * inputs.max_abs,
                                 "the same halves, widened or read in place, agree to Float32 rounding")

        // The public policy keeps large tensors half; in this small model none is large.
        let (_, automatic) = try encode("t5-b", residency: .float16)
        XCTAssertFalse(automatic.keepsHalfWeights, "t5-b's tensors are all below WeightLoader's small-tensor limit")
    }

    func testBatchRowsAreIndependent() throws {
        let inputs = try Fixtures.decode(FixtureInputs.self, "t5-b", "inputs.json")
        let (all, model) = try encode("t5-b", residency: .automatic)
        let one = try model.encode(ids: [inputs.input_ids[2]], mask: [inputs.attention_mask[2]])
        XCTAssertLessThanOrEqual(maxAbsDifference(one.scalars, all.slice(2).scalars), 1e-5 * inputs.max_abs)
    }

    // MARK: Strict loading

    private func loadError(_ edit: (inout [String: Tensor]) -> Void) throws -> Error? {
        var weights = try fixtureTensors("t5-a")
        edit(&weights)
        do {
            _ = try T5EncoderModel(configJSON: try Fixtures.data("t5-a", "config.json"), weights: TensorDictionary(weights))
            return nil
        } catch {
            return error
        }
    }

    func testMissingTensorIsNamed() throws {
        let error = try XCTUnwrap(try loadError { $0["encoder.block.2.layer.1.DenseReluDense.wi_1.weight"] = nil })
        XCTAssertEqual(error as? NNError, .missingTensor(name: "encoder.block.2.layer.1.DenseReluDense.wi_1.weight", expectedShape: [80, 48]))
        let bias = try XCTUnwrap(try loadError { $0["encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"] = nil })
        XCTAssertEqual("\(bias)", "weights: tensor 'encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight' is missing (expected shape [32, 4])")
    }

    func testMisshapenTensorIsNamed() throws {
        // q maps d_model 48 to num_heads * d_kv = 32, not to d_model.
        let error = try XCTUnwrap(try loadError { $0["encoder.block.1.layer.0.SelfAttention.q.weight"] = Tensor(zeros: [48, 48]) })
        XCTAssertEqual("\(error)", "weights: tensor 'encoder.block.1.layer.0.SelfAttention.q.weight' has shape [48, 48], but the configuration implies [32, 48]")
    }

    func testUnexpectedTensorIsNamed() throws {
        let error = try XCTUnwrap(try loadError {
            $0["encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight"] = Tensor(zeros: [32, 4])
        })
        XCTAssertEqual("\(error)", "weights: 1 unexpected tensor not used by the configuration: 'encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight'")
    }

    func testTiedEmbeddingCopyIsAcceptedWhenShapedLikeShared() throws {
        XCTAssertNil(try loadError { $0["encoder.embed_tokens.weight"] = $0["shared.weight"] })
        let error = try XCTUnwrap(try loadError { $0["encoder.embed_tokens.weight"] = Tensor(zeros: [100, 32]) })
        XCTAssertEqual("\(error)", "weights: tensor 'encoder.embed_tokens.weight' has shape [100, 32], but the configuration implies [100, 48]")
    }

    /// Every norm of the encoder takes the configuration's `layer_norm_epsilon` (T5 uses
    /// 1e-6): a model that kept a constant, or LayerNorm's usual 1e-5, would pass the parity
    /// tests, since the fixtures' activations are too large for the epsilon to show.
    func testEveryNormTakesTheConfiguredEpsilon() throws {
        var json = try XCTUnwrap(String(data: try Fixtures.data("t5-a", "config.json"), encoding: .utf8))
        for epsilon in ["1e-06": Float(1e-6), "3e-05": Float(3e-5)] {
            json = json.replacingOccurrences(of: #""layer_norm_epsilon": [0-9e.+-]+"#, with: "\"layer_norm_epsilon\": \(epsilon.key)",
                                             options: .regularExpression)
            let model = try T5EncoderModel(configJSON: Data(json.utf8), weights: try ShardedCheckpoint(folder: try Fixtures.path("t5-a")))
            let norms = model.blocks.flatMap { [$0.attentionNorm, $0.feedForwardNorm] } + [model.finalLayerNorm]
            XCTAssertEqual(norms.count, 2 * 3 + 1)
            for norm in norms { XCTAssertEqual(norm.eps, epsilon.value, "a norm ignores layer_norm_epsilon \(epsilon.key)") }
        }
    }

    func testTensorShapesListEveryCheckpointTensor() throws {
        let config = try T5Config(json: try Fixtures.data("t5-a", "config.json"))
        let shapes = try T5EncoderModel.tensorShapes(config: config)
        let weights = try fixtureTensors("t5-a")
        XCTAssertEqual(Set(shapes.map(\.name)), Set(weights.keys), "t5-a was saved without the tied copy")
        for (name, shape) in shapes { XCTAssertEqual(weights[name]?.shape, shape, name) }
        XCTAssertEqual(shapes.first?.name, "shared.weight")
        XCTAssertEqual(shapes.last?.name, "encoder.final_layer_norm.weight")
    }

    // MARK: Inputs

    private func inputError(ids: [[Int]], mask: [[Int]]) throws -> String? {
        let model = try T5EncoderModel(configJSON: try Fixtures.data("t5-b", "config.json"),
                                       weights: try ShardedCheckpoint(folder: try Fixtures.path("t5-b")))
        do {
            _ = try model.encode(ids: ids, mask: mask)
            return nil
        } catch let error as T5Error {
            return error.description
        }
    }

    func testInvalidInputsAreNamed() throws {
        XCTAssertEqual(try inputError(ids: [[5, 1], [7, 120]], mask: [[1, 1], [1, 1]]),
                       "token id 120 at row 1, position 1 is outside the vocabulary (0..<120)")
        XCTAssertEqual(try inputError(ids: [[-3, 1]], mask: [[1, 1]]),
                       "token id -3 at row 0, position 0 is outside the vocabulary (0..<120)")
        XCTAssertEqual(try inputError(ids: [[5, 1], [1]], mask: [[1, 1], [1]]),
                       "input_ids row 1 has 1 tokens, row 0 has 2; rows must be padded to one length")
        XCTAssertEqual(try inputError(ids: [[5, 1]], mask: [[1, 1, 0]]),
                       "attention_mask row 0 has 3 entries, input_ids rows have 2")
        XCTAssertEqual(try inputError(ids: [[5, 1]], mask: [[1, 1], [1, 1]]),
                       "attention_mask has 2 rows, input_ids has 1")
        XCTAssertEqual(try inputError(ids: [[5, 1]], mask: [[1, 2]]),
                       "attention_mask holds 2 at row 0, position 1; only 0 and 1 are allowed")
        XCTAssertEqual(try inputError(ids: [], mask: []), "input_ids holds no rows")
        XCTAssertEqual(try inputError(ids: [[]], mask: [[]]), "input_ids row 0 holds no tokens")
        XCTAssertNil(try inputError(ids: [[5, 1]], mask: [[1, 1]]))
    }

    /// A mask of all zeros (no real token) gives uniform attention, as finfo.min does in
    /// PyTorch, rather than NaN.
    func testFullyMaskedRowStaysFinite() throws {
        let model = try T5EncoderModel(configJSON: try Fixtures.data("t5-b", "config.json"),
                                       weights: try ShardedCheckpoint(folder: try Fixtures.path("t5-b")))
        let out = try model.encode(ids: [[3, 4, 1]], mask: [[0, 0, 0]])
        XCTAssertTrue(out.scalars.allSatisfy(\.isFinite))
    }
}
