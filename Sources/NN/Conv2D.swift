import Tensor

/// A square-kernel 2-D convolution with stride 1 and "same" zero padding (PyTorch `nn.Conv2d`).
public struct Conv2D: Sendable {
    /// weight `[Cout, Cin, k, k]`.
    public let weight: Parameter
    /// bias `[Cout]`.
    public let bias: Parameter
    /// Zero padding on each side, `(k - 1) / 2`.
    public let padding: Int
    /// Winograd-transformed 3x3 weights, kept after first use; only for Float32-resident
    /// weights (half-precision models would grow by 16/9 of their Float32 size).
    package let winogradCache: WinogradWeightCache?

    /// `name.weight` and `name.bias` from `loader`.
    public init(_ loader: WeightLoader, _ name: String, inChannels: Int, outChannels: Int, kernel: Int) throws {
        weight = try loader.parameter(name + ".weight", shape: [outChannels, inChannels, kernel, kernel])
        bias = try loader.parameter(name + ".bias", shape: [outChannels])
        padding = (kernel - 1) / 2
        winogradCache = kernel == 3 && !weight.isHalf ? WinogradWeightCache() : nil
    }

    /// `[B, Cin, H, W]` -> `[B, Cout, H, W]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try weight.withValues { w in
            try x.conv2d(weights: w, weightShape: weight.shape, bias: bias.value, padding: padding,
                         winogradCache: winogradCache)
        }
    }
}
