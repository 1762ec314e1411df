/// Layout changes between image (`[B, C, H, W]`) and token (`[B, HW, C]`) views.
extension Tensor {
    /// The last two axes swapped: `[..., M, N]` -> `[..., N, M]`.
    public func transposedLastTwo() throws -> Tensor {
        guard rank >= 2 else { throw TensorError.invalidArgument("transposedLastTwo needs rank >= 2, got \(Tensor.format(shape))") }
        let m = shape[rank - 2], n = shape[rank - 1]
        let outer = count / Swift.max(m * n, 1)
        let out = [Float](writtenWhole: count) { dst in
            scalars.withUnsafeBufferPointer { ip in
                guard let src = ip.baseAddress else { return }
                let s = SharedPointer(base: src), d = SharedMutablePointer(base: dst)
                // Blocked so that both sides stay in cache for large planes; one item is a
                // band of `block` rows of one plane, so that a single plane (batch 1) also
                // spreads over the cores.
                let block = 32
                let bands = (m + block - 1) / block
                Parallel.forEach(outer * bands, costPerItem: block * n) { item in
                    let o = item / bands, i0 = (item % bands) * block
                    let from = s.base + o * m * n, to = d.base + o * m * n
                    for j0 in stride(from: 0, to: n, by: block) {
                        for i in i0..<Swift.min(i0 + block, m) {
                            for j in j0..<Swift.min(j0 + block, n) { to[j * m + i] = from[i * n + j] }
                        }
                    }
                }
            }
        }
        var newShape = shape
        newShape.swapAt(rank - 2, rank - 1)
        return Tensor(shape: newShape, scalars: out)
    }

    /// `[B, C, ...]` split into channels `0..<k` and `k..<C` (a 6-channel UNet output into
    /// its noise and variance halves).
    public func splitChannels(at k: Int) -> (Tensor, Tensor) {
        let (batch, channels) = (shape[0], shape[1])
        let plane = count / Swift.max(batch * channels, 1)
        var first = [Float](), second = [Float]()
        first.reserveCapacity(batch * k * plane)
        second.reserveCapacity(batch * (channels - k) * plane)
        for b in 0..<batch {
            let base = b * channels * plane
            first.append(contentsOf: scalars[base..<(base + k * plane)])
            second.append(contentsOf: scalars[(base + k * plane)..<(base + channels * plane)])
        }
        let rest = Array(shape.dropFirst(2))
        return (Tensor(shape: [batch, k] + rest, scalars: first), Tensor(shape: [batch, channels - k] + rest, scalars: second))
    }
}
