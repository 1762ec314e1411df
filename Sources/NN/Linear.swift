import Tensor

/// A fully connected layer, `y = x W^T + b` (PyTorch `nn.Linear`).
public struct Linear: Sendable {
    /// weight `[out, in]`.
    public let weight: Parameter
    /// bias `[out]`.
    public let bias: Parameter?
    /// The weights packed for the bf16 kernel when the loader asks for bf16.
    package let bfloat16: (matrix: BFloat16Matrix, kernel: BFloat16Kernel)?

    /// `name.weight` and `name.bias` from `loader`.
    public init(_ loader: WeightLoader, _ name: String, inFeatures: Int, outFeatures: Int, bias: Bool = true) throws {
        weight = try loader.parameter(name + ".weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? try loader.parameter(name + ".bias", shape: [outFeatures]) : nil
        let weight = self.weight
        bfloat16 = loader.bfloat16.map { kernel in
            (weight.repacked { BFloat16Matrix($0, rows: outFeatures, columns: inFeatures, rowStride: inFeatures) }, kernel)
        }
    }

    /// `[..., in]` -> `[..., out]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        if let bfloat16 { return try x.linear(bfloat16: bfloat16.matrix, kernel: bfloat16.kernel, bias: bias?.value) }
        let onFloat32 = { (w: UnsafePointer<Float>) in try x.linear(weights: w, weightShape: weight.shape, bias: bias?.value) }
        guard case let .float16(half) = weight.storage else { return try weight.withValues(onFloat32) }
        // Half precision: read in place by the product where it can, widened only where it cannot.
        return try half.withBits { bits in
            guard let base = bits.baseAddress else { return try weight.withValues(onFloat32) }
            return try x.linear(halfWeights: base, weightShape: weight.shape, bias: bias?.value) { body in try weight.withValues(body) }
        }
    }

    /// `[B, in, L]` -> `[B, out, L]`: the layer applied to each item's columns (tokens held
    /// channel-major, as a UNet holds an image), with the weights read in place and no transposes.
    public func columns(_ x: Tensor) throws -> Tensor {
        if let bfloat16 { return try x.linearColumns(bfloat16: bfloat16.matrix, kernel: bfloat16.kernel, bias: bias?.value) }
        let onFloat32 = { (w: UnsafePointer<Float>) in try x.linearColumns(weights: w, weightShape: weight.shape, bias: bias?.value) }
        guard case let .float16(half) = weight.storage else { return try weight.withValues(onFloat32) }
        return try half.withBits { bits in
            guard let base = bits.baseAddress else { return try weight.withValues(onFloat32) }
            return try x.linearColumns(halfWeights: base, weightShape: weight.shape, bias: bias?.value) { body in
                try weight.withValues(body)
            }
        }
    }
}
