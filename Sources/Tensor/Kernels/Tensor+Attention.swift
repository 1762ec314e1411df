/// Multi-head scaled dot-product attention on token-major tensors.
extension Tensor {
    /// `softmax(q k^T * scale) v` per batch item and head, heads being contiguous slices of
    /// width `C / heads` of the channel axis (PyTorch's `head_to_batch_dim` split):
    /// `query` `[B, Lq, C]`, `key` and `value` `[B, Lk, C]`; returns `[B, Lq, C]`.
    /// `scale` defaults to `1 / sqrt(C / heads)`. No mask.
    public static func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int,
                                 scale: Float? = nil) throws -> Tensor {
        guard query.rank == 3, key.rank == 3, key.shape == value.shape,
              query.shape[0] == key.shape[0], query.shape[2] == key.shape[2] else {
            throw TensorError.shapeMismatch(operation: "attention", query.shape, key.shape)
        }
        let (batch, lq, channels) = (query.shape[0], query.shape[1], query.shape[2])
        let lk = key.shape[1]
        guard heads > 0, channels % heads == 0 else {
            throw TensorError.invalidArgument("attention: \(channels) channels do not split into \(heads) heads")
        }
        let d = channels / heads
        let alpha = scale ?? 1 / Float(d).squareRoot()
        guard batch * lq * channels > 0 else { return Tensor(shape: [batch, lq, channels], scalars: []) }
        let blocks = AttentionBlocks(heads: batch * heads, queries: lq, keys: lk, lanes: Parallel.workers)
        BLASRuntime.singleThreaded()
        // Every output value is written by one block's product below.
        let out = [Float](unsafeUninitializedCapacity: batch * lq * channels) { buffer, initialized in
            initialized = buffer.count
            guard let o = buffer.baseAddress else { return }
            // [chunks, rows, Lk]: one block of scores per chunk, reused by its blocks in turn.
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: blocks.chunks * blocks.rows * lk)
            defer { scratch.deallocate() }
            let so = SharedMutablePointer(base: o), ss = SharedMutablePointer(base: scratch)
            query.scalars.withUnsafeBufferPointer { qp in
                key.scalars.withUnsafeBufferPointer { kp in
                    value.scalars.withUnsafeBufferPointer { vp in
                        guard let q = qp.baseAddress, let k = kp.baseAddress, let v = vp.baseAddress else { return }
                        let sq = SharedPointer(base: q), sk = SharedPointer(base: k), sv = SharedPointer(base: v)
                        Parallel.perform(iterations: blocks.chunks) { chunk in
                            let s = ss.base + chunk * blocks.rows * lk    // [rows, Lk]
                            for block in blocks.range(ofChunk: chunk) {
                                let (head, rows) = blocks.block(block)
                                let (b, h) = head.quotientAndRemainder(dividingBy: heads)
                                // Head h of item b: [L, d] views with row stride C.
                                let qh = sq.base + (b * lq + rows.lowerBound) * channels + h * d
                                let kh = sk.base + b * lk * channels + h * d
                                let vh = sv.base + b * lk * channels + h * d
                                let oh = so.base + (b * lq + rows.lowerBound) * channels + h * d
                                Tensor.sgemmOnThisThread(transposeA: false, transposeB: true, m: rows.count, n: lk, k: d,
                                                         alpha: alpha, a: qh, lda: channels, b: kh, ldb: channels,
                                                         beta: 0, c: s, ldc: lk)
                                for r in 0..<rows.count { Tensor.softmaxRow(s + r * lk, width: lk) }
                                Tensor.sgemmOnThisThread(transposeA: false, transposeB: false, m: rows.count, n: d, k: lk,
                                                         alpha: 1, a: s, lda: lk, b: vh, ldb: channels,
                                                         beta: 0, c: oh, ldc: channels)
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, lq, channels], scalars: out)
    }
}
