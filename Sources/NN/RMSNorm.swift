import Tensor

/// Root-mean-square normalisation over the last axis with a scale and no bias (T5's
/// `T5LayerNorm`): `x * rsqrt(mean(x^2) + eps) * weight`. Unlike `LayerNorm` the mean is
/// not subtracted.
public struct RMSNorm: Sendable {
    /// Added to the mean square.
    public let eps: Float
    /// weight `[width]`.
    public let weight: Parameter

    /// `name.weight` from `loader`.
    public init(_ loader: WeightLoader, _ name: String, width: Int, eps: Float) throws {
        self.eps = eps
        weight = try loader.parameter(name + ".weight", shape: [width])
    }

    /// `[..., width]`, same shape out.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let width = weight.shape[0]
        guard x.shape.last == width else {
            throw TensorError.shapeMismatch(operation: "RMSNorm", x.shape, weight.shape)
        }
        let gamma = weight.value.scalars
        let rows = width == 0 ? 0 : x.count / width
        var out = x.scalars
        out.withUnsafeMutableBufferPointer { buffer in
            gamma.withUnsafeBufferPointer { g in
                guard let base = buffer.baseAddress, let w = g.baseAddress else { return }
                for r in 0..<rows {
                    let row = base + r * width
                    // The mean square accumulates in Double: transformers computes it in
                    // Float32 with pairwise sums, and Double keeps this side the more exact.
                    var squares = 0.0
                    for i in 0..<width { squares += Double(row[i]) * Double(row[i]) }
                    let inverse = Float(1 / (squares / Double(width) + Double(eps)).squareRoot())
                    // (x * rsqrt) * weight, in transformers' order.
                    for i in 0..<width { row[i] = (row[i] * inverse) * w[i] }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
