/// In-place arithmetic for the residual connections of a network: no new tensor per add.
extension Tensor {
    /// `self = (self + other) * scale`, elementwise; `other` must have the same shape.
    public mutating func addInPlace(_ other: Tensor, thenScale scale: Float = 1) throws {
        guard other.shape == shape else { throw TensorError.shapeMismatch(operation: "+=", shape, other.shape) }
        let n = count
        scalars.withUnsafeMutableBufferPointer { sp in
            other.scalars.withUnsafeBufferPointer { op in
                guard let s = sp.baseAddress, let o = op.baseAddress else { return }
                let d = SharedMutablePointer(base: s), src = SharedPointer(base: o)
                Parallel.forEachChunk(n, minimumPerChunk: 65_536) { range in
                    if scale == 1 {
                        for i in range { d.base[i] += src.base[i] }
                    } else {
                        for i in range { d.base[i] = (d.base[i] + src.base[i]) * scale }
                    }
                }
            }
        }
    }
}
