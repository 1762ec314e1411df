import Tensor

/// A square-kernel 2-D convolution with stride 1 and "same" zero padding (PyTorch `nn.Conv2d`).
public struct Conv2D: Sendable {
    /// weight `[Cout, Cin, k, k]`.
    public let weight: Parameter
    /// bias `[Cout]`.
    public let bias: Parameter
    /// Zero padding on each side, `(k - 1) / 2`.
    public let padding: Int
    /// Winograd-transformed 3x3 weights, kept after first use where
    /// `ConvolutionPolicy.holding` says so and the model's budget has room.
    package let winogradCache: WinogradWeightCache?
    /// The weights packed for the bf16 kernel when the loader asks for bf16.
    package let bfloat16: BFloat16ConvWeights?

    /// `name.weight` and `name.bias` from `loader`.
    public init(_ loader: WeightLoader, _ name: String, inChannels: Int, outChannels: Int, kernel: Int) throws {
        weight = try loader.parameter(name + ".weight", shape: [outChannels, inChannels, kernel, kernel])
        bias = try loader.parameter(name + ".bias", shape: [outChannels])
        padding = (kernel - 1) / 2
        let weight = self.weight
        bfloat16 = loader.bfloat16.map { bf16 in weight.repacked { BFloat16ConvWeights($0, shape: weight.shape, kernel: bf16) } }
        winogradCache = bfloat16 == nil && kernel == 3
            ? WinogradWeightCache(budget: loader.winogradBudget, halfWeights: weight.isHalf) : nil
    }

    /// `[B, Cin, H, W]` -> `[B, Cout, H, W]`; with `inputAffine`, of `x` read through it
    /// (see `Tensor.conv2d(weights:...:inputAffine:)`).
    public func callAsFunction(_ x: Tensor, inputAffine: ChannelAffine? = nil) throws -> Tensor {
        if let bfloat16 { return try x.conv2d(bfloat16: bfloat16, bias: bias.value, padding: padding, inputAffine: inputAffine) }
        let onFloat32 = { (w: UnsafePointer<Float>) in
            try x.conv2d(weights: w, weightShape: weight.shape, bias: bias.value, padding: padding,
                         winogradCache: winogradCache, inputAffine: inputAffine)
        }
        guard case let .float16(half) = weight.storage else { return try weight.withValues(onFloat32) }
        // Half precision: once a transform is kept, the half values are not read again, and
        // their mapped pages leave this process's resident memory.
        if let winogradCache, let y = try x.conv2d(keptIn: winogradCache, weightShape: weight.shape, bias: bias.value,
                                                   padding: padding, inputAffine: inputAffine) { return y }
        let y = try half.withBits { bits in
            guard let base = bits.baseAddress else { return try weight.withValues(onFloat32) }
            return try x.conv2d(halfWeights: base, weightShape: weight.shape, bias: bias.value, padding: padding,
                                winogradCache: winogradCache, inputAffine: inputAffine) { body in try weight.withValues(body) }
        }
        if winogradCache?.isFilled == true { weight.releaseResidentPages() }
        return y
    }
}
