/// Normalisation layers; statistics accumulate in Double, outputs are Float.
extension Tensor {
    /// Layer normalisation over the last axis (biased variance, `eps` inside the square
    /// root), then `* weight + bias` (`[width]` each, nil for no affine). Same shape.
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Float) throws -> Tensor {
        guard let width = shape.last, width > 0 else { throw TensorError.invalidArgument("layerNorm of an empty axis, shape \(Tensor.format(shape))") }
        if let weight, weight.shape != [width] { throw TensorError.shapeMismatch(operation: "layerNorm weight", [width], weight.shape) }
        if let bias, bias.shape != [width] { throw TensorError.shapeMismatch(operation: "layerNorm bias", [width], bias.shape) }
        let gamma = weight?.scalars ?? [Float](repeating: 1, count: width)
        let beta = bias?.scalars ?? [Float](repeating: 0, count: width)
        let rows = count / width
        var out = scalars
        out.withUnsafeMutableBufferPointer { op in
            guard let base = op.baseAddress else { return }
            let p = SharedMutablePointer(base: base)
            Parallel.forEach(rows, costPerItem: width * 3) { r in
                let row = p.base + r * width
                var sum = 0.0
                for i in 0..<width { sum += Double(row[i]) }
                let mean = sum / Double(width)
                var squares = 0.0
                for i in 0..<width {
                    let d = Double(row[i]) - mean
                    squares += d * d
                }
                let inv = Float(1 / (squares / Double(width) + Double(eps)).squareRoot())
                let m = Float(mean)
                for i in 0..<width { row[i] = (row[i] - m) * inv * gamma[i] + beta[i] }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }
}
