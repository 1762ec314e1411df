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
        try linearByColumns(weightShape: [weights.rows, weights.columns], bias: bias) { t, rows, p in
            Tensor.bf16gemm(weights, b: t, ldb: rows, n: rows, c: p, ldc: rows, kernel: kernel)
        }
    }

    /// Rows up to which a half-precision linear layer multiplies on noisebook's kernel. Measured
    /// on T5-XXL's shape (2-core AVX2, `bench t5`, each against the widened OpenBLAS product in
    /// alternating runs): one prompt, 77 rows, 5.9-6.6 s against 8.4 s; four prompts, 308 rows,
    /// 24.9-25.7 s against 23.7 s. Thin products gain from reading the halves in place; from a
    /// few hundred rows OpenBLAS's packing pays for the widening.
    public static let halfLinearMaximumRows = 128

    /// `y = x W^T + b` with W `[out, in]` held in half precision: for at most
    /// `halfLinearMaximumRows` rows, W x^T on noisebook's kernel, which reads the halves in
    /// place (the layer is never widened whole; bit for bit the same product of the widened
    /// W). More rows, or `kernel` OpenBLAS, run `linear(weights:)` inside `widened`, which calls
    /// its body with the Float32 values.
    public func linear(halfWeights: UnsafePointer<UInt16>, weightShape: [Int], bias: Tensor?,
                       kernel: Float32Kernel = .current,
                       widened: ((UnsafePointer<Float>) throws -> Tensor) throws -> Tensor) throws -> Tensor {
        let inFeatures = shape.last ?? 0
        let rows = inFeatures == 0 ? 0 : count / inFeatures
        guard kernel != .openblas, rows <= Tensor.halfLinearMaximumRows, weightShape.count == 2 else {
            return try widened { w in try linear(weights: w, weightShape: weightShape, bias: bias) }
        }
        let bits = SharedPointer(base: halfWeights)
        return try linearByColumns(weightShape: weightShape, bias: bias) { t, rows, p in
            kernel.multiply(m: weightShape[0], n: rows, k: inFeatures, aHalf: bits.base, lda: inFeatures,
                                   b: t, ldb: rows, c: p, ldc: rows)
        }
    }

    /// `y = x W^T + b` computed as W x^T, for kernels that read W `[out, in]` as the left
    /// operand: `product(x^T, rows, W x^T)` fills `[out, rows]` from x^T `[in, rows]`.
    private func linearByColumns(weightShape: [Int], bias: Tensor?,
                                 product: (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void) throws -> Tensor {
        guard weightShape.count == 2, let inFeatures = shape.last, weightShape[1] == inFeatures else {
            throw TensorError.shapeMismatch(operation: "linear", shape, weightShape)
        }
        let outFeatures = weightShape[0]
        if let bias, bias.shape != [outFeatures] {
            throw TensorError.shapeMismatch(operation: "linear bias", weightShape, bias.shape)
        }
        let rows = inFeatures == 0 ? 0 : count / inFeatures
        // Both transposes blocked and spread over the cores: done element by element they
        // cost more than the product for 1,024 rows (a 32x32 image's tokens).
        let transposed = try Tensor(shape: [rows, inFeatures], scalars: scalars).transposedLastTwo()   // x^T [in, rows]
        var columns = [Float](repeating: 0, count: outFeatures * rows)                                 // W x^T [out, rows]
        transposed.scalars.withUnsafeBufferPointer { tp in
            columns.withUnsafeMutableBufferPointer { pp in
                guard let t = tp.baseAddress, let p = pp.baseAddress, rows > 0 else { return }
                product(t, rows, p)
            }
        }
        var out = try Tensor(shape: [outFeatures, rows], scalars: columns).transposedLastTwo().scalars  // [rows, out]
        if let bias {
            let b = bias.scalars
            for r in 0..<rows { for o in 0..<outFeatures { out[r * outFeatures + o] += b[o] } }
        }
        var newShape = shape
        newShape[newShape.count - 1] = outFeatures
        return Tensor(shape: newShape, scalars: out)
    }
}
