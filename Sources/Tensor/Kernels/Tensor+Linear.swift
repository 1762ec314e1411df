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

extension Tensor {
    /// `y = x W^T + b` with W `[out, in]` in bf16 (`precision: bf16`): the product runs on
    /// noisebook's bf16 kernel as W x^T, with x transposed in and y transposed out.
    public func linear(bfloat16 weights: BFloat16Matrix, kernel: BFloat16Kernel, bias: Tensor?) throws -> Tensor {
        guard let inFeatures = shape.last, weights.columns == inFeatures else {
            throw TensorError.shapeMismatch(operation: "linear", shape, [weights.rows, weights.columns])
        }
        let outFeatures = weights.rows
        if let bias, bias.shape != [outFeatures] {
            throw TensorError.shapeMismatch(operation: "linear bias", [outFeatures, inFeatures], bias.shape)
        }
        let rows = inFeatures == 0 ? 0 : count / inFeatures
        var transposed = [Float](repeating: 0, count: inFeatures * rows)    // x^T [in, rows]
        var product = [Float](repeating: 0, count: outFeatures * rows)      // W x^T [out, rows]
        scalars.withUnsafeBufferPointer { xp in
            transposed.withUnsafeMutableBufferPointer { tp in
                guard let x = xp.baseAddress, let t = tp.baseAddress else { return }
                for r in 0..<rows { for i in 0..<inFeatures { t[i * rows + r] = x[r * inFeatures + i] } }
            }
        }
        transposed.withUnsafeBufferPointer { tp in
            product.withUnsafeMutableBufferPointer { pp in
                guard let t = tp.baseAddress, let p = pp.baseAddress else { return }
                Tensor.bf16gemm(weights, b: t, ldb: rows, n: rows, c: p, ldc: rows, kernel: kernel)
            }
        }
        let biasValues = bias?.scalars ?? [Float](repeating: 0, count: outFeatures)
        var out = [Float](repeating: 0, count: rows * outFeatures)
        for r in 0..<rows { for o in 0..<outFeatures { out[r * outFeatures + o] = product[o * rows + r] + biasValues[o] } }
        var newShape = shape
        newShape[newShape.count - 1] = outFeatures
        return Tensor(shape: newShape, scalars: out)
    }
}
