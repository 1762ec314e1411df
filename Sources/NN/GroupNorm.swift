import Tensor

/// Group normalisation with affine parameters (PyTorch `nn.GroupNorm`).
public struct GroupNorm: Sendable {
    /// The number of groups.
    public let groups: Int
    /// Added to the variance.
    public let eps: Float
    /// weight `[C]`.
    public let weight: Parameter
    /// bias `[C]`.
    public let bias: Parameter

    /// `name.weight` and `name.bias` from `loader`.
    public init(_ loader: WeightLoader, _ name: String, channels: Int, groups: Int, eps: Float) throws {
        self.groups = groups
        self.eps = eps
        weight = try loader.parameter(name + ".weight", shape: [channels])
        bias = try loader.parameter(name + ".bias", shape: [channels])
    }

    /// `[B, C, ...]`, same shape out.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.groupNormalized(groups: groups, eps: eps, weight: weight.value, bias: bias.value)
    }

    /// `act(GN(x) * (1 + scale) + shift)` in one pass; `scaleShift` `[B, 2C]` or nil.
    package func callAsFunction(_ x: Tensor, scaleShift: Tensor?, activation: PointwiseActivation) throws -> Tensor {
        try x.groupNormalized(groups: groups, eps: eps, weight: weight.value, bias: bias.value,
                              scaleShift: scaleShift, activation: activation)
    }

    /// The same map, not applied: for a convolution that reads `x` through it
    /// (`Conv2D.callAsFunction(_:inputAffine:)`), so the normalised tensor is never written.
    package func affine(_ x: Tensor, scaleShift: Tensor?, activation: PointwiseActivation) throws -> ChannelAffine {
        try x.groupNormAffine(groups: groups, eps: eps, weight: weight.value, bias: bias.value,
                              scaleShift: scaleShift, activation: activation)
    }
}
