import Tensor

/// Layer normalisation over the last axis with affine parameters (PyTorch `nn.LayerNorm`).
public struct LayerNorm: Sendable {
    /// Added to the variance.
    public let eps: Float
    /// weight `[width]`.
    public let weight: Parameter
    /// bias `[width]`.
    public let bias: Parameter

    /// `name.weight` and `name.bias` from `loader`.
    public init(_ loader: WeightLoader, _ name: String, width: Int, eps: Float = 1e-5) throws {
        self.eps = eps
        weight = try loader.parameter(name + ".weight", shape: [width])
        bias = try loader.parameter(name + ".bias", shape: [width])
    }

    /// `[..., width]`, same shape out.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.layerNorm(weight: weight.value, bias: bias.value, eps: eps)
    }
}
