/// Normalisation layers; statistics accumulate in Double, outputs are Float.
extension Tensor {
    /// Group normalisation of `[B, C, ...]`: each of `groups` groups of `C / groups`
    /// channels is normalised over its channels and all trailing positions (biased
    /// variance, `eps` inside the square root), then scaled by `weight[c]` and shifted by
    /// `bias[c]` (`[C]` each, nil for no affine). Same shape as `self`.
    public func groupNorm(groups: Int, weight: Tensor?, bias: Tensor?, eps: Float) throws -> Tensor {
        guard rank >= 2 else { throw TensorError.invalidArgument("groupNorm needs [B, C, ...], got \(Tensor.format(shape))") }
        let (batch, channels) = (shape[0], shape[1])
        guard groups > 0, channels % groups == 0 else {
            throw TensorError.invalidArgument("groupNorm: \(channels) channels do not split into \(groups) groups")
        }
        if let weight, weight.shape != [channels] { throw TensorError.shapeMismatch(operation: "groupNorm weight", [channels], weight.shape) }
        if let bias, bias.shape != [channels] { throw TensorError.shapeMismatch(operation: "groupNorm bias", [channels], bias.shape) }
        let spatial = count / Swift.max(batch * channels, 1)
        let perGroup = channels / groups
        let groupSize = perGroup * spatial
        let gamma = weight?.scalars ?? [Float](repeating: 1, count: channels)
        let beta = bias?.scalars ?? [Float](repeating: 0, count: channels)
        var out = scalars
        out.withUnsafeMutableBufferPointer { op in
            guard let base = op.baseAddress else { return }
            let p = SharedMutablePointer(base: base)
            Parallel.forEach(batch * groups, costPerItem: groupSize * 3) { item in
                let start = p.base + item * groupSize
                var sum = 0.0, sumSquares = 0.0
                for i in 0..<groupSize {
                    let v = Double(start[i])
                    sum += v
                    sumSquares += v * v
                }
                let mean = sum / Double(groupSize)
                let variance = Swift.max(sumSquares / Double(groupSize) - mean * mean, 0)
                let inv = 1 / (variance + Double(eps)).squareRoot()
                let firstChannel = (item % groups) * perGroup
                for j in 0..<perGroup {
                    let c = firstChannel + j
                    // Folded into one multiply-add per element: (x - mean) * inv * g + b.
                    let scale = Float(inv) * gamma[c]
                    let shift = beta[c] - Float(mean) * scale
                    let row = start + j * spatial
                    for i in 0..<spatial { row[i] = row[i] * scale + shift }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

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
