import Foundation
import NN
import Tensor

/// T5's feed-forward (`DenseReluDense`): `wo(act(wi x))`, or with a gated projection
/// `wo(act(wi_0 x) * wi_1 x)`; no biases. T5 v1.1 uses the gated form with `gelu_new`.
struct T5FeedForward: Sendable {
    /// wi (`[d_ff, d_model]`), or wi_0 when gated.
    let input: Linear
    /// wi_1 `[d_ff, d_model]` when gated.
    let gate: Linear?
    /// wo `[d_model, d_ff]`.
    let wo: Linear
    let projection: T5Config.FeedForwardProjection

    /// The projections under `name` (`...layer.1.DenseReluDense`), sized by `config`.
    init(_ loader: WeightLoader, _ name: String, config: T5Config) throws {
        let (model, ff) = (config.dModel, config.dFF)
        projection = config.feedForwardProjection
        if projection.isGated {
            input = try Linear(loader, name + ".wi_0", inFeatures: model, outFeatures: ff, bias: false)
            gate = try Linear(loader, name + ".wi_1", inFeatures: model, outFeatures: ff, bias: false)
        } else {
            input = try Linear(loader, name + ".wi", inFeatures: model, outFeatures: ff, bias: false)
            gate = nil
        }
        wo = try Linear(loader, name + ".wo", inFeatures: ff, outFeatures: model, bias: false)
    }

    /// `[B, L, d_model]` (already normalised), same shape out.
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var hidden = try input(x)  // [B, L, d_ff]
        let gated = try gate?(x)   // [B, L, d_ff]
        let activation = projection == .gatedGelu ? T5FeedForward.geluNew : T5FeedForward.relu
        let count = hidden.count
        hidden.scalars.withUnsafeMutableBufferPointer { hp in
            guard let h = hp.baseAddress else { return }
            let target = MutableFloats(base: h)
            let gates = gated?.scalars
            gates.withOptionalPointer { g in
                let gate = g.map { Floats(base: $0) }
                Parallel.forEachChunk(count, minimumPerChunk: 65_536) { range in
                    if let gate {
                        for i in range { target.base[i] = activation(target.base[i]) * gate.base[i] }
                    } else {
                        for i in range { target.base[i] = activation(target.base[i]) }
                    }
                }
            }
        }
        return try wo(hidden)
    }

    /// transformers' `NewGELUActivation` (`gelu_new`), the tanh approximation:
    /// `0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))`, in Float32 as PyTorch runs it.
    @Sendable static func geluNew(_ x: Float) -> Float {
        0.5 * x * (1 + Foundation.tanh(sqrtTwoOverPi * (x + 0.044715 * (x * x * x))))
    }

    /// `math.sqrt(2.0 / math.pi)`, rounded to Float32 as PyTorch rounds the scalar.
    static let sqrtTwoOverPi = Float((2 / Double.pi).squareRoot())

    /// max(x, 0).
    @Sendable static func relu(_ x: Float) -> Float { Swift.max(x, 0) }
}

/// Pointers shared by concurrent chunks that touch disjoint elements.
private struct MutableFloats: @unchecked Sendable { let base: UnsafeMutablePointer<Float> }
private struct Floats: @unchecked Sendable { let base: UnsafePointer<Float> }

private extension Optional where Wrapped == [Float] {
    /// Calls `body` with the array's base address, or nil when there is no array.
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) throws -> R) rethrows -> R {
        guard let array = self else { return try body(nil) }
        return try array.withUnsafeBufferPointer { try body($0.baseAddress) }
    }
}
