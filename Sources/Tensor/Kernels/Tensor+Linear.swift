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
    /// precision into a scratch buffer). Each item's values (the leading axis: a batch of
    /// tokens `[B, L, in]` or of vectors `[B, in]`) are the same alone and in a batch: up to
    /// `Float32Kernel.narrowColumns` rows an item, W x^T on `kernel`, whose sums do not depend
    /// on how many columns it runs; more, on OpenBLAS one item at a time.
    public func linear(weights: UnsafePointer<Float>, weightShape: [Int], bias: Tensor?,
                       kernel: Float32Kernel = .current) throws -> Tensor {
        guard weightShape.count == 2, let inFeatures = shape.last, weightShape[1] == inFeatures else {
            throw TensorError.shapeMismatch(operation: "linear", shape, weightShape)
        }
        if let bias, bias.shape != [weightShape[0]] {
            throw TensorError.shapeMismatch(operation: "linear bias", weightShape, bias.shape)
        }
        guard kernel.forProduct(columns: itemRows) != .openblas else {
            return try byItem { try $0.linearOnOpenBLAS(weights: weights, weightShape: weightShape, bias: bias) }
        }
        let w = SharedPointer(base: weights)
        return try linearByColumns(weightShape: weightShape, bias: bias) { t, rows, p in
            kernel.multiply(m: weightShape[0], n: rows, k: inFeatures, a: w.base, lda: inFeatures, b: t, ldb: rows, c: p, ldc: rows)
        }
    }

    /// The rows (vectors along the last axis) of one item of the leading axis.
    var itemRows: Int {
        guard let inFeatures = shape.last, inFeatures > 0 else { return 0 }
        let rows = count / inFeatures
        return rank >= 2 && shape[0] > 0 ? rows / shape[0] : rows
    }

    /// `body` applied to each item of the leading axis on its own, the results stacked back.
    func byItem(_ body: (Tensor) throws -> Tensor) throws -> Tensor {
        guard rank >= 2, shape[0] > 1 else { return try body(self) }
        let itemShape = [1] + shape.dropFirst()
        let results = try (0..<shape[0]).map { try body(try slice($0).reshaped(itemShape)) }
        return try Tensor.concatenate(results, axis: 0)
    }

    /// `y = x W^T + b` as one OpenBLAS product over all rows, the bias seeded into C.
    private func linearOnOpenBLAS(weights: UnsafePointer<Float>, weightShape: [Int], bias: Tensor?) throws -> Tensor {
        let inFeatures = weightShape[1], outFeatures = weightShape[0]
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

    /// Rows an item up to which a half-precision linear layer multiplies on noisebook's kernel
    /// reading the halves in place (more are widened first: the same values). Measured
    /// on T5-XXL's shape (2-core AVX2, `bench t5`, each against the widened OpenBLAS product in
    /// alternating runs): one prompt, 77 rows, 5.9-6.6 s against 8.4 s; four prompts, 308 rows,
    /// 24.9-25.7 s against 23.7 s. Thin products gain from reading the halves in place; from a
    /// few hundred rows OpenBLAS's packing pays for the widening.
    public static let halfLinearMaximumRows = 128

    /// `y = x W^T + b` with W `[out, in]` held in half precision: for at most
    /// `halfLinearMaximumRows` rows an item, W x^T on noisebook's kernel, which reads the halves
    /// in place (the layer is never widened whole; bit for bit the same product of the widened
    /// W). More rows, or `kernel` OpenBLAS, run `linear(weights:)` inside `widened`, which calls
    /// its body with the Float32 values.
    public func linear(halfWeights: UnsafePointer<UInt16>, weightShape: [Int], bias: Tensor?,
                       kernel: Float32Kernel = .current,
                       widened: ((UnsafePointer<Float>) throws -> Tensor) throws -> Tensor) throws -> Tensor {
        let inFeatures = shape.last ?? 0
        guard kernel != .openblas, itemRows <= Tensor.halfLinearMaximumRows, weightShape.count == 2 else {
            return try widened { w in try linear(weights: w, weightShape: weightShape, bias: bias, kernel: kernel) }
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
        let rows = inFeatures == 0 ? 0 : count / inFeatures
        // Both transposes blocked and spread over the cores: done element by element they
        // cost more than the product for 1,024 rows (a 32x32 image's tokens).
        let columns = try Tensor(shape: [1, rows, inFeatures], scalars: scalars).transposedLastTwo()   // x^T [1, in, rows]
        let product = try columns.linearColumns(weightShape: weightShape, bias: bias, product: product) // [1, out, rows]
        var newShape = shape
        newShape[newShape.count - 1] = weightShape[0]
        return try product.transposedLastTwo().reshaped(newShape)
    }
}

/// Fully connected layers on channel-major tokens, as a UNet holds an image: each item's
/// tokens are the columns of `[B, in, L]`.
extension Tensor {
    /// `y = W x + b` for each item's columns: `self` `[B, in, L]`, W `[out, in]` on `kernel`
    /// (OpenBLAS beyond `Float32Kernel.narrowColumns` tokens), `bias` `[out]`; returns
    /// `[B, out, L]`. The layer `linear` applies to tokens stored row by row, with the weights
    /// as the product's left operand, read in place, and no transposes.
    public func linearColumns(weights: UnsafePointer<Float>, weightShape: [Int], bias: Tensor?,
                              kernel: Float32Kernel = .current) throws -> Tensor {
        let w = SharedPointer(base: weights)
        return try linearColumns(weightShape: weightShape, bias: bias) { x, n, y in
            kernel.forProduct(columns: n).multiply(m: weightShape[0], n: n, k: weightShape[1], a: w.base, lda: weightShape[1],
                                                   b: x, ldb: n, c: y, ldc: n)
        }
    }

    /// The same with W `[out, in]` held in half precision, read in place by noisebook's kernel
    /// (bit for bit the product of the widened W); with `kernel` OpenBLAS, inside `widened`,
    /// which calls its body with the Float32 values.
    public func linearColumns(halfWeights: UnsafePointer<UInt16>, weightShape: [Int], bias: Tensor?,
                              kernel: Float32Kernel = .current,
                              widened: ((UnsafePointer<Float>) throws -> Tensor) throws -> Tensor) throws -> Tensor {
        guard kernel != .openblas else {
            return try widened { w in try linearColumns(weights: w, weightShape: weightShape, bias: bias, kernel: kernel) }
        }
        let bits = SharedPointer(base: halfWeights)
        return try linearColumns(weightShape: weightShape, bias: bias) { x, n, y in
            kernel.multiply(m: weightShape[0], n: n, k: weightShape[1], aHalf: bits.base, lda: weightShape[1],
                            b: x, ldb: n, c: y, ldc: n)
        }
    }

    /// The same with W `[out, in]` in bf16 (`precision: bf16`), on noisebook's bf16 kernel.
    public func linearColumns(bfloat16 weights: BFloat16Matrix, kernel: BFloat16Kernel, bias: Tensor?) throws -> Tensor {
        try linearColumns(weightShape: [weights.rows, weights.columns], bias: bias) { x, n, y in
            Tensor.bf16gemm(weights, b: x, ldb: n, n: n, c: y, ldc: n, kernel: kernel)
        }
    }

    /// `[B, in, L]` -> `[B, out, L]`: `product(x, L, y)` fills one item's W x `[out, L]` from
    /// its x `[in, L]`; the bias is added after. Also the direct convolutions that run image by
    /// image (`conv2d`: 1x1, and any at batch 1), with x an image's im2col columns.
    func linearColumns(weightShape: [Int], bias: Tensor?,
                       product: (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void) throws -> Tensor {
        guard rank == 3, weightShape.count == 2, weightShape[1] == shape[1] else {
            throw TensorError.shapeMismatch(operation: "linear", shape, weightShape)
        }
        let (batch, inFeatures, tokens) = (shape[0], shape[1], shape[2])
        let outFeatures = weightShape[0]
        if let bias, bias.shape != [outFeatures] {
            throw TensorError.shapeMismatch(operation: "linear bias", weightShape, bias.shape)
        }
        // Every value is written by its item's product below (or zeroed when there is no input).
        let outCount = batch * outFeatures * tokens
        var out = [Float](writtenWhole: outCount) { o in
            guard inFeatures > 0 else { o.update(repeating: 0, count: outCount); return }
            scalars.withUnsafeBufferPointer { xp in
                guard let x = xp.baseAddress, tokens > 0 else { return }
                for b in 0..<batch { product(x + b * inFeatures * tokens, tokens, o + b * outFeatures * tokens) }
            }
        }
        if let bias {
            let values = bias.scalars
            out.withUnsafeMutableBufferPointer { op in
                guard let o = op.baseAddress else { return }
                let p = SharedMutablePointer(base: o)
                Parallel.forEach(batch * outFeatures, costPerItem: tokens) { item in
                    let row = p.base + item * tokens, b = values[item % outFeatures]
                    for i in 0..<tokens { row[i] += b }
                }
            }
        }
        return Tensor(shape: [batch, outFeatures, tokens], scalars: out)
    }
}
