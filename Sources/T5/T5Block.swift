import NN
import Tensor

/// One encoder block (`T5Block`), pre-norm with residuals:
/// `h += SelfAttention(layer_norm(h))` (`layer.0`), then `h += DenseReluDense(layer_norm(h))`
/// (`layer.1`).
struct T5Block: Sendable {
    /// layer.0.layer_norm.
    let attentionNorm: RMSNorm
    /// layer.0.SelfAttention.
    let attention: T5Attention
    /// layer.1.layer_norm.
    let feedForwardNorm: RMSNorm
    /// layer.1.DenseReluDense.
    let feedForward: T5FeedForward

    /// Block `index` (`encoder.block.{index}`) from `loader`, in the checkpoint's order.
    init(_ loader: WeightLoader, index: Int, config: T5Config) throws {
        let name = "encoder.block.\(index).layer"
        attention = try T5Attention(loader, name + ".0.SelfAttention", config: config)
        attentionNorm = try RMSNorm(loader, name + ".0.layer_norm", width: config.dModel, eps: config.layerNormEpsilon)
        feedForward = try T5FeedForward(loader, name + ".1.DenseReluDense", config: config)
        feedForwardNorm = try RMSNorm(loader, name + ".1.layer_norm", width: config.dModel, eps: config.layerNormEpsilon)
    }

    /// Updates the hidden states `h` `[B, L, d_model]` in place; `positionBias` `[B, H, L, L]`.
    func callAsFunction(_ h: inout Tensor, positionBias: Tensor) throws {
        try h.addInPlace(try attention(try attentionNorm(h), positionBias: positionBias))
        try h.addInPlace(try feedForward(try feedForwardNorm(h)))
    }

    /// Calls `body` on every parameter of the block once.
    func forEachParameter(_ body: (Parameter) -> Void) {
        for linear in [attention.q, attention.k, attention.v, attention.o] { body(linear.weight) }
        body(attentionNorm.weight)
        body(feedForward.input.weight)
        if let gate = feedForward.gate { body(gate.weight) }
        body(feedForward.wo.weight)
        body(feedForwardNorm.weight)
    }
}
