/// Fully connected layers, PyTorch layout.
extension Tensor {
    /// `y = x W^T + b` over the last axis: `self` `[..., in]`, `weight` `[out, in]`,
    /// `bias` `[out]`; returns `[..., out]`.
    public func linear(weight: Tensor, bias: Tensor?) throws -> Tensor {
        guard weight.rank == 2, weight.count > 0 else {
            throw TensorError.shapeMismatch(operation: "linear", shape, weight.shape)
        }
        return try weight.scalars.withUnsafeBufferPointer { wp in
            guard let w = wp.baseAddress else { throw TensorError.empty(operation: "linear weight") }
            return try linear(weights: w, weightShape: weight.shape, bias: bias)
        }
    }

    /// The same with the weights `[out, in]` given as a pointer (e.g. widened from half
    /// precision into a scratch buffer).
    public func linear(weights: UnsafePointer<Float>, weightShape: [Int], bias: Tensor?) throws -> Tensor {
        guard weightShape.count == 2, let inFeatures = shape.last, weightShape[1] == inFeatures else {
            throw TensorError.shapeMismatch(operation: "linear", shape, weightShape)
        }
        let outFeatures = weightShape[0]
        if let bias, bias.shape != [outFeatures] {
            throw TensorError.shapeMismatch(operation: "linear bias", weightShape, bias.shape)
        }
        let rows = inFeatures == 0 ? 0 : count / inFeatures
        var out = [Float](repeating: 0, count: rows * outFeatures)
        if let bias {
            // Seed C with the bias so that one GEMM with beta = 1 adds it.
            bias.scalars.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { op in
                    guard let b = bp.baseAddress, let o = op.baseAddress else { return }
                    for r in 0..<rows { (o + r * outFeatures).update(from: b, count: outFeatures) }
                }
            }
        }
        if rows > 0 && outFeatures > 0 && inFeatures > 0 {
            scalars.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { op in
                    guard let x = xp.baseAddress, let o = op.baseAddress else { return }
                    Tensor.gemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures,
                                a: x, lda: inFeatures, b: weights, ldb: inFeatures,
                                beta: bias == nil ? 0 : 1, c: o, ldc: outFeatures)
                }
            }
        }
        var newShape = shape
        newShape[newShape.count - 1] = outFeatures
        return Tensor(shape: newShape, scalars: out)
    }
}
