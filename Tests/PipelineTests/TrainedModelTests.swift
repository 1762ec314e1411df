import Diffusion
import EmojiModel
import Foundation
import Pipeline
import Tensor
import Weights
import TestSupport
import XCTest

/// The emoji-trained model's format, loaded through the same pipeline as DeepFloyd IF: a
/// tiny random-weight model written by `tools/train/train.py --export-random` (fixture
/// Tests/noisebookTests/Fixtures/trained-tiny), checked against the script's own numbers.
final class TrainedModelTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("noisebookTests/Fixtures/trained-tiny").path

    struct Case: Decodable {
        let text: String
        let words: [String]
        let tokens: [Int]
    }

    struct Expected: Decodable {
        let prompts: [Case]
        let tokenization: [Case]
        let timesteps: [Int]
        let output_shape: [Int]
        let output: [Float]
        let max_abs_output: Float
    }

    private func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Self.folder + "/expected.json")))
    }

    private func model() throws -> LoadedModel {
        let resolver = ModelResolver(projectRoot: NSTemporaryDirectory())
        let choice = try resolver.trained(folder: Self.folder)
        XCTAssertEqual(choice.components.map(\.role), ["text", "stage I"])
        return try XCTUnwrap(choice.load)()
    }

    func testTokenizationMatchesTheTrainingScript() throws {
        let file = try SafetensorsFile(path: Self.folder + "/text/embeddings.safetensors")
        let vocabulary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.folder + "/text/vocabulary.json"))) as? [String: Any]
        let words = try XCTUnwrap(vocabulary?["words"] as? [String])
        let table = try WordTable(words: words, embeddings: try file.tensor(named: "word_embeddings"))
        let all = try expected()
        for c in all.prompts + all.tokenization {
            XCTAssertEqual(table.rows(for: c.text).rows, c.tokens, "rows of \"\(c.text)\"")
        }
        XCTAssertEqual(table.rows(for: "a zebra-like unicorn xyzzy 42").unknown, ["like", "xyzzy", "42"], "unknown words are named")
    }

    func testTheUNetThroughThePipelineMatchesTheScript() throws {
        let model = try model()
        let all = try expected()
        let inputs = try SafetensorsFile(path: Self.folder + "/inputs.safetensors")
        let x = try inputs.tensor(named: "x")
        let conditions = try all.prompts.map { try model.condition($0.text) }
        let stored = try inputs.tensor(named: "encoder_hidden_states")
        for (b, condition) in conditions.enumerated() {
            XCTAssertEqual(try XCTUnwrap(condition.embedding).scalars, stored.slice(b).scalars, "embedding of \"\(condition.prompt)\"")
        }
        let prediction = try model.denoiser.predict(x, timesteps: all.timesteps, conditions: conditions)
        let output = Tensor.concatenate(prediction.noise, try XCTUnwrap(prediction.variance))
        XCTAssertEqual(output.shape, all.output_shape)
        let worst = maxAbsDifference(Array(output.scalars), Array(all.output))
        XCTAssertLessThanOrEqual(worst, 1e-4 * all.max_abs_output, "max |ours - diffusers| = \(worst)")
    }

    func testUnknownWordsAreNamedForThePage() throws {
        let model = try model()
        XCTAssertEqual(model.promptNote("a red xyzzy"), "the trained model does not know 'xyzzy' (left out of \"a red xyzzy\")")
        XCTAssertNil(model.promptNote("red apple"))
    }
}

private extension Tensor {
    /// `[B, Ca, H, W]` and `[B, Cb, H, W]` joined along the channels.
    static func concatenate(_ a: Tensor, _ b: Tensor) -> Tensor {
        let batch = a.shape[0], plane = a.shape[2] * a.shape[3]
        var values = [Float]()
        for i in 0..<batch {
            values += a.scalars[(i * a.shape[1] * plane)..<((i + 1) * a.shape[1] * plane)]
            values += b.scalars[(i * b.shape[1] * plane)..<((i + 1) * b.shape[1] * plane)]
        }
        return Tensor(shape: [batch, a.shape[1] + b.shape[1], a.shape[2], a.shape[3]], scalars: values)
    }
}
