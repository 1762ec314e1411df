import Foundation
import JSON

/// The architecture of a T5 encoder, read from transformers' `config.json` (`T5Config`).
///
/// Every size comes from the file; the keys that only the decoder or training use
/// (`num_decoder_layers`, `dropout_rate`, `is_encoder_decoder`, ...) are ignored, and a
/// feed-forward this port does not implement is refused with its value named.
public struct T5Config: Sendable, Equatable {
    /// A `feed_forward_proj` value: the activation, and whether a second projection gates it.
    public enum FeedForwardProjection: String, Sendable, Equatable, CaseIterable {
        /// `wo(relu(wi x))` (the original T5).
        case relu = "relu"
        /// `wo(relu(wi_0 x) * wi_1 x)`.
        case gatedRelu = "gated-relu"
        /// `wo(gelu_new(wi_0 x) * wi_1 x)` (T5 v1.1, as DeepFloyd IF's encoder uses).
        case gatedGelu = "gated-gelu"

        /// Whether a second projection `wi_1` multiplies the activation (transformers'
        /// `is_gated_act`).
        public var isGated: Bool { self != .relu }

        /// transformers' `dense_act_fn` for this value.
        public var denseActivation: String { self == .gatedGelu ? "gelu_new" : "relu" }
    }

    /// vocab_size: rows of the `shared` embedding table.
    public var vocabSize: Int
    /// d_model: the width of the hidden states.
    public var dModel: Int
    /// d_kv: the width of one attention head.
    public var dKV: Int
    /// num_heads.
    public var numHeads: Int
    /// d_ff: the width of the feed-forward layer.
    public var dFF: Int
    /// num_layers: encoder blocks.
    public var numLayers: Int
    /// relative_attention_num_buckets (32 when absent).
    public var relativeAttentionNumBuckets: Int
    /// relative_attention_max_distance (128 when absent).
    public var relativeAttentionMaxDistance: Int
    /// layer_norm_epsilon (1e-6 when absent).
    public var layerNormEpsilon: Float
    /// feed_forward_proj ("relu" when absent, as in transformers).
    public var feedForwardProjection: FeedForwardProjection

    /// The width of all heads together, `num_heads * d_kv`; need not equal d_model.
    public var innerDim: Int { numHeads * dKV }

    /// A configuration from its values; `validate()` checks them as the JSON reader does.
    public init(vocabSize: Int, dModel: Int, dKV: Int, numHeads: Int, dFF: Int, numLayers: Int,
                relativeAttentionNumBuckets: Int = 32, relativeAttentionMaxDistance: Int = 128,
                layerNormEpsilon: Float = 1e-6, feedForwardProjection: FeedForwardProjection = .gatedGelu) {
        self.vocabSize = vocabSize
        self.dModel = dModel
        self.dKV = dKV
        self.numHeads = numHeads
        self.dFF = dFF
        self.numLayers = numLayers
        self.relativeAttentionNumBuckets = relativeAttentionNumBuckets
        self.relativeAttentionMaxDistance = relativeAttentionMaxDistance
        self.layerNormEpsilon = layerNormEpsilon
        self.feedForwardProjection = feedForwardProjection
    }

    /// The configuration in a `config.json`'s bytes (`file` names it in errors).
    public init(json data: Data, file: String = "config.json") throws {
        let keys = try ConfigKeys(json: [UInt8](data), file: file)
        func required(_ key: String) throws -> Int {
            guard let value = try keys.int(key) else { throw keys.invalid(key, "is required") }
            return value
        }
        self.init(vocabSize: try required("vocab_size"), dModel: try required("d_model"), dKV: try required("d_kv"),
                  numHeads: try required("num_heads"), dFF: try required("d_ff"), numLayers: try required("num_layers"),
                  relativeAttentionNumBuckets: try keys.int("relative_attention_num_buckets") ?? 32,
                  relativeAttentionMaxDistance: try keys.int("relative_attention_max_distance") ?? 128,
                  layerNormEpsilon: Float(try keys.double("layer_norm_epsilon") ?? 1e-6))

        let projection = try keys.string("feed_forward_proj") ?? FeedForwardProjection.relu.rawValue
        guard let parsed = FeedForwardProjection(rawValue: projection) else {
            let supported = FeedForwardProjection.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw keys.invalid("feed_forward_proj", "unsupported value \"\(projection)\" (supported: \(supported))")
        }
        feedForwardProjection = parsed
        // transformers writes the derived dense_act_fn and is_gated_act back into config.json,
        // and a stale copy of either would override feed_forward_proj when loaded there:
        // refuse a file whose keys disagree rather than guess which one the weights follow.
        if let activation = try keys.string("dense_act_fn"), activation != parsed.denseActivation {
            throw keys.invalid("dense_act_fn", "\"\(activation)\" disagrees with feed_forward_proj \"\(projection)\", which implies \"\(parsed.denseActivation)\"")
        }
        if let gated = try keys.bool("is_gated_act"), gated != parsed.isGated {
            throw keys.invalid("is_gated_act", "\(gated) disagrees with feed_forward_proj \"\(projection)\"")
        }
        try validate(file: file)
    }

    /// Checks the values that the layers and the bucket function rely on; throws
    /// `ConfigError` naming the key.
    public func validate(file: String = "config.json") throws {
        func invalid(_ key: String, _ reason: String) -> ConfigError { ConfigError(file: file, key: key, reason: reason) }
        for (key, value) in [("vocab_size", vocabSize), ("d_model", dModel), ("d_kv", dKV), ("num_heads", numHeads),
                             ("d_ff", dFF), ("num_layers", numLayers)] where value <= 0 {
            throw invalid(key, "must be positive, got \(value)")
        }
        // Bidirectional buckets: half per direction, and half of those exact, so at least
        // one exact bucket needs 4; the logarithmic half needs max_distance beyond it.
        guard relativeAttentionNumBuckets >= 4 else {
            throw invalid("relative_attention_num_buckets", "must be at least 4, got \(relativeAttentionNumBuckets)")
        }
        let exact = relativeAttentionNumBuckets / 4
        guard relativeAttentionMaxDistance > exact else {
            throw invalid("relative_attention_max_distance", "must exceed the \(exact) exact buckets, got \(relativeAttentionMaxDistance)")
        }
        guard layerNormEpsilon >= 0, layerNormEpsilon.isFinite else {
            throw invalid("layer_norm_epsilon", "must be a non-negative number, got \(layerNormEpsilon)")
        }
    }
}
