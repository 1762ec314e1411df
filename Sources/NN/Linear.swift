import Tensor

/// A fully connected layer, `y = x W^T + b` (PyTorch `nn.Linear`).
public struct Linear: Sendable {
    /// weight `[out, in]`.
    public let weight: Parameter
    /// bias `[out]`.
    public let bias: Parameter?

    /// `name.weight` and `name.bias` from `loader`.
    public init(_ loader: WeightLoader, _ name: String, inFeatures: Int, outFeatures: Int, bias: Bool = true) throws {
        weight = try loader.parameter(name + ".weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? try loader.parameter(name + ".bias", shape: [outFeatures]) : nil
    }

    /// `[..., in]` -> `[..., out]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try weight.withValues { w in try x.linear(weights: w, weightShape: weight.shape, bias: bias?.value) }
    }
}
