import Foundation
import JSON
import XCTest

@testable import T5

/// Reading transformers' config.json for T5 (fixture configs from tools/make_t5_fixtures.py).
final class T5ConfigTests: XCTestCase {
    private func config(_ edit: (inout [String: Any]) -> Void) throws -> T5Config {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: try Fixtures.data("t5-a", "config.json")) as? [String: Any])
        edit(&object)
        return try T5Config(json: try JSONSerialization.data(withJSONObject: object))
    }

    private func configError(_ edit: (inout [String: Any]) -> Void) throws -> String? {
        do {
            _ = try config(edit)
            return nil
        } catch let error as ConfigError {
            return error.description
        }
    }

    func testConfigIsReadFromFile() throws {
        let a = try T5Config(json: try Fixtures.data("t5-a", "config.json"))
        XCTAssertEqual(a, T5Config(vocabSize: 100, dModel: 48, dKV: 8, numHeads: 4, dFF: 80, numLayers: 3,
                                   relativeAttentionNumBuckets: 32, relativeAttentionMaxDistance: 128,
                                   layerNormEpsilon: 1e-6, feedForwardProjection: .gatedGelu))
        XCTAssertEqual(a.innerDim, 32)
        let b = try T5Config(json: try Fixtures.data("t5-b", "config.json"))
        XCTAssertEqual(b.relativeAttentionNumBuckets, 16)
        XCTAssertEqual(b.relativeAttentionMaxDistance, 20)
        XCTAssertEqual(b.layerNormEpsilon, 1e-5)
    }

    func testDefaultsAreTransformers() throws {
        let c = try config {
            for key in ["relative_attention_num_buckets", "relative_attention_max_distance", "layer_norm_epsilon",
                        "feed_forward_proj", "dense_act_fn", "is_gated_act"] { $0[key] = nil }
        }
        XCTAssertEqual(c.relativeAttentionNumBuckets, 32)
        XCTAssertEqual(c.relativeAttentionMaxDistance, 128)
        XCTAssertEqual(c.layerNormEpsilon, 1e-6)
        XCTAssertEqual(c.feedForwardProjection, .relu)
    }

    func testUnsupportedAndInconsistentValuesAreNamed() throws {
        XCTAssertEqual(try configError { $0["feed_forward_proj"] = "gated-silu" },
                       #"config.json: "feed_forward_proj": unsupported value "gated-silu" (supported: "relu", "gated-relu", "gated-gelu")"#)
        XCTAssertEqual(try configError { $0["dense_act_fn"] = "gelu" },
                       #"config.json: "dense_act_fn": "gelu" disagrees with feed_forward_proj "gated-gelu", which implies "gelu_new""#)
        XCTAssertEqual(try configError { $0["is_gated_act"] = false },
                       #"config.json: "is_gated_act": false disagrees with feed_forward_proj "gated-gelu""#)
        XCTAssertEqual(try configError { $0["d_model"] = nil }, #"config.json: "d_model": is required"#)
        XCTAssertEqual(try configError { $0["num_heads"] = 0 }, #"config.json: "num_heads": must be positive, got 0"#)
        XCTAssertEqual(try configError { $0["d_kv"] = "64" }, #"config.json: "d_kv": expected an integer, got "64""#)
        XCTAssertEqual(try configError { $0["relative_attention_num_buckets"] = 2 },
                       #"config.json: "relative_attention_num_buckets": must be at least 4, got 2"#)
        XCTAssertEqual(try configError { $0["relative_attention_max_distance"] = 8 },
                       #"config.json: "relative_attention_max_distance": must exceed the 8 exact buckets, got 8"#)
        XCTAssertNil(try configError { $0["num_decoder_layers"] = 99; $0["is_encoder_decoder"] = true },
                     "decoder-only keys are ignored")
    }

    func testUngatedReluUsesOneInputProjection() throws {
        let c = try config { $0["feed_forward_proj"] = "relu"; $0["dense_act_fn"] = "relu"; $0["is_gated_act"] = false }
        let names = try T5EncoderModel.tensorShapes(config: c).map(\.name)
        XCTAssertTrue(names.contains("encoder.block.0.layer.1.DenseReluDense.wi.weight"))
        XCTAssertFalse(names.contains("encoder.block.0.layer.1.DenseReluDense.wi_0.weight"))
        XCTAssertEqual(try T5EncoderModel.tensorShapes(config: try config { _ in }).count, names.count + 3,
                       "gated: wi_0 and wi_1 instead of wi in each of 3 blocks")
    }
}
