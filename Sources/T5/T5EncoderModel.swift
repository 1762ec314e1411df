import Foundation
import NN
import Tensor

/// The T5 v1.1 text encoder (transformers' `T5EncoderModel`), as DeepFloyd IF uses it to
/// turn a tokenized prompt into the `[77, 4096]` states its UNets attend to. Built from a
/// `config.json` and named weights, loaded strictly; everything runs in Float32.
///
/// Forward: `h = shared[ids]` (no scaling); each block adds attention and feed-forward
/// residuals to pre-normalised states; block 0's relative position bias (plus the mask) is
/// reused by every block; the result is `final_layer_norm(h)`.
public struct T5EncoderModel: Sendable {
    /// The architecture.
    public let config: T5Config
    /// shared `[vocab_size, d_model]` (`encoder.embed_tokens` is the same table).
    let shared: Embedding
    let blocks: [T5Block]
    /// encoder.block.0.layer.0.SelfAttention.relative_attention_bias, used by every block.
    let relativePosition: T5RelativePosition
    /// encoder.final_layer_norm.
    let finalLayerNorm: RMSNorm

    /// The encoder `config` describes, with weights from `weights` (transformers' names).
    /// Every tensor the config implies must be present with its exact shape, and no other
    /// tensor may be there except `encoder.embed_tokens.weight`, the tied copy of
    /// `shared.weight` that some checkpoints also hold (checked for shape, never read);
    /// errors name the tensor. `residency` decides whether an fp16 checkpoint is widened
    /// when loaded or kept half precision (T5 XXL: 19 GB in Float32, 9.5 GB in fp16).
    public init(config: T5Config, weights: any TensorProvider, residency: WeightResidency = .automatic) throws {
        try self.init(config: config, loader: WeightLoader(weights, keepHalf: residency.keepsHalf(weights)))
    }

    /// The encoder from a `config.json`'s bytes and weights.
    public init(configJSON: Data, weights: any TensorProvider, residency: WeightResidency = .automatic) throws {
        try self.init(config: try T5Config(json: configJSON), weights: weights, residency: residency)
    }

    /// Every tensor `config` implies, with its shape, in loading order (the optional tied
    /// copy `encoder.embed_tokens.weight` is not listed).
    public static func tensorShapes(config: T5Config) throws -> [(name: String, shape: [Int])] {
        let loader = WeightLoader(recording: ())
        _ = try T5EncoderModel(config: config, loader: loader)
        return loader.requested
    }

    init(config: T5Config, loader: WeightLoader) throws {
        try config.validate()
        self.config = config
        shared = try Embedding(loader, "shared", count: config.vocabSize, width: config.dModel)
        try loader.acceptTiedCopy("encoder.embed_tokens.weight", shape: [config.vocabSize, config.dModel])
        var blocks = [T5Block]()
        for i in 0..<config.numLayers {
            blocks.append(try T5Block(loader, index: i, config: config))
        }
        self.blocks = blocks
        // Only block 0 has the table (transformers' has_relative_attention_bias).
        relativePosition = try T5RelativePosition(loader, "encoder.block.0.layer.0.SelfAttention.relative_attention_bias",
                                                  config: config)
        finalLayerNorm = try RMSNorm(loader, "encoder.final_layer_norm", width: config.dModel, eps: config.layerNormEpsilon)
        try loader.finish()
    }

    /// `last_hidden_state` `[B, L, d_model]` for token ids `ids` `[B][L]` and the attention
    /// mask `mask` `[B][L]` (1 for a real token, 0 for padding), as transformers computes
    /// it: padded positions get outputs too (IF's UNet reads all 77). Throws `T5Error`
    /// naming the value for ragged rows, a mask of another shape or with values other than
    /// 0 and 1, and ids outside the vocabulary.
    ///
    /// With `releasingWeightPages`, each block's half-precision weights mapped from a file
    /// leave resident memory once the block has run (the page cache keeps them): T5-XXL then
    /// holds about one block of its 9.5 GB resident instead of all of it, which is what lets
    /// it encode beside a loaded UNet. A pass reads every weight once either way; only
    /// passes repeated in one process pay the page faults again.
    public func encode(ids: [[Int]], mask: [[Int]], releasingWeightPages: Bool = false) throws -> Tensor {
        try validate(ids: ids, mask: mask)
        let (batch, length) = (ids.count, ids[0].count)
        var h = try shared(ids.flatMap { $0 }).reshaped([batch, length, config.dModel])  // [B, L, d_model]
        let positionBias = relativePosition.bias(mask: mask)                             // [B, H, L, L]
        if releasingWeightPages { shared.weight.releaseResidentPages() }
        for block in blocks {
            try block(&h, positionBias: positionBias)
            if releasingWeightPages { block.forEachParameter { $0.releaseResidentPages() } }
        }
        return try finalLayerNorm(h)                                                      // [B, L, d_model]
    }

    private func validate(ids: [[Int]], mask: [[Int]]) throws {
        guard let first = ids.first else { throw T5Error.invalidInput("input_ids holds no rows") }
        guard !first.isEmpty else { throw T5Error.invalidInput("input_ids row 0 holds no tokens") }
        for (row, tokens) in ids.enumerated() where tokens.count != first.count {
            throw T5Error.invalidInput("input_ids row \(row) has \(tokens.count) tokens, row 0 has \(first.count); rows must be padded to one length")
        }
        guard mask.count == ids.count else {
            throw T5Error.invalidInput("attention_mask has \(mask.count) rows, input_ids has \(ids.count)")
        }
        for (row, flags) in mask.enumerated() {
            guard flags.count == first.count else {
                throw T5Error.invalidInput("attention_mask row \(row) has \(flags.count) entries, input_ids rows have \(first.count)")
            }
            if let position = flags.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw T5Error.invalidInput("attention_mask holds \(flags[position]) at row \(row), position \(position); only 0 and 1 are allowed")
            }
        }
        for (row, tokens) in ids.enumerated() {
            if let position = tokens.firstIndex(where: { $0 < 0 || $0 >= config.vocabSize }) {
                throw T5Error.invalidInput("token id \(tokens[position]) at row \(row), position \(position) is outside the vocabulary (0..<\(config.vocabSize))")
            }
        }
    }

    /// Bytes the weights hold in memory (for half-precision views: the bytes they map).
    public var weightByteCount: Int {
        var total = 0
        forEachParameter { total += $0.byteCount }
        return total
    }

    /// The number of weight values held.
    public var parameterCount: Int {
        var total = 0
        forEachParameter { total += Tensor.count(of: $0.shape) }
        return total
    }

    /// Whether the large weights are held in half precision (`shared` and the projections).
    public var keepsHalfWeights: Bool { shared.weight.isHalf }

    /// Calls `body` on every parameter once.
    func forEachParameter(_ body: (Parameter) -> Void) {
        body(shared.weight)
        for block in blocks { block.forEachParameter(body) }
        body(relativePosition.table)
        body(finalLayerNorm.weight)
    }
}
