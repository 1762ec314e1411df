/// Multi-head scaled dot-product attention.
extension Tensor {
    /// `softmax(q k^T * scale) v` per batch item and head, heads being contiguous slices of
    /// width `C / heads` of the channel axis (PyTorch's `head_to_batch_dim` split), on
    /// token-major tensors: `query` `[B, Lq, C]`, `key` and `value` `[B, Lk, C]`; returns
    /// `[B, Lq, C]`. `scale` defaults to `1 / sqrt(C / heads)`. No mask.
    public static func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int,
                                 scale: Float? = nil) throws -> Tensor {
        guard query.rank == 3, key.rank == 3, key.shape == value.shape,
              query.shape[0] == key.shape[0], query.shape[2] == key.shape[2] else {
            throw TensorError.shapeMismatch(operation: "attention", query.shape, key.shape)
        }
        return try attention(queryColumns: query.transposedLastTwo(), key: key, valueColumns: value.transposedLastTwo(),
                             heads: heads, scale: scale).transposedLastTwo()
    }

    /// The same attention with the queries, values and output channel-major, as a UNet holds
    /// an image's tokens: `query` `[B, C, Lq]`, `key` `[B, Lk, C]` (token-major), `value`
    /// `[B, C, Lk]`; returns `[B, C, Lq]`.
    ///
    /// These layouts make both products of a head read their left operand in place, as
    /// noisebook's kernels do: the transposed scores `k q^T` `[Lk, n]` from the keys' rows,
    /// then the output columns `v^T softmax` `[d, n]` from the values' rows; each kernel packs
    /// only the block's `n` query columns.
    public static func attention(queryColumns query: Tensor, key: Tensor, valueColumns value: Tensor, heads: Int,
                                 scale: Float? = nil) throws -> Tensor {
        guard query.rank == 3, key.rank == 3, value.rank == 3, query.shape[0] == key.shape[0],
              query.shape[1] == key.shape[2], value.shape == [key.shape[0], key.shape[2], key.shape[1]] else {
            throw TensorError.shapeMismatch(operation: "attention", query.shape, key.shape)
        }
        let (batch, channels, lq) = (query.shape[0], query.shape[1], query.shape[2])
        let lk = key.shape[1]
        guard heads > 0, channels % heads == 0 else {
            throw TensorError.invalidArgument("attention: \(channels) channels do not split into \(heads) heads")
        }
        let d = channels / heads
        let alpha = scale ?? 1 / Float(d).squareRoot()
        guard batch * lq * channels > 0 else { return Tensor(shape: [batch, channels, lq], scalars: []) }
        let kernel = Float32Kernel.current
        let blocks = AttentionBlocks(heads: batch * heads, queries: lq, keys: lk, lanes: Parallel.workers,
                                     multiple: kernel.panelWidth)
        BLASRuntime.singleThreaded()
        // Every output value is written by one block's second product below.
        let out = [Float](writtenWhole: batch * channels * lq) { o in
            // Per chunk: a block's scores [Lk, n], then its columns' maxima and sums [2, n].
            let perChunk = (lk + 2) * blocks.queries
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: blocks.chunks * perChunk)
            defer { scratch.deallocate() }
            let so = SharedMutablePointer(base: o), ss = SharedMutablePointer(base: scratch)
            query.scalars.withUnsafeBufferPointer { qp in
                key.scalars.withUnsafeBufferPointer { kp in
                    value.scalars.withUnsafeBufferPointer { vp in
                        guard let q = qp.baseAddress, let k = kp.baseAddress, let v = vp.baseAddress else { return }
                        let sq = SharedPointer(base: q), sk = SharedPointer(base: k), sv = SharedPointer(base: v)
                        Parallel.perform(iterations: blocks.chunks) { chunk in
                            let s = ss.base + chunk * perChunk
                            for block in blocks.range(ofChunk: chunk) {
                                let (head, columns) = blocks.block(block)
                                let (b, h) = head.quotientAndRemainder(dividingBy: heads)
                                let n = columns.count
                                let qh = sq.base + (b * channels + h * d) * lq + columns.lowerBound  // [d, n], rows Lq apart
                                let kh = sk.base + b * lk * channels + h * d                         // [Lk, d], rows C apart
                                let vh = sv.base + (b * channels + h * d) * lk                       // [d, Lk]
                                let oh = so.base + (b * channels + h * d) * lq + columns.lowerBound  // [d, n], rows Lq apart
                                kernel.multiplyOnThisThread(m: lk, n: n, k: d, a: kh, lda: channels, b: qh, ldb: lq,
                                                            c: s, ldc: n)
                                Tensor.softmaxColumns(s, rows: lk, width: n, scale: alpha, scratch: s + lk * n)
                                kernel.multiplyOnThisThread(m: d, n: n, k: lk, a: vh, lda: lk, b: s, ldb: n,
                                                            c: oh, ldc: lq)
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, channels, lq], scalars: out)
    }
}
