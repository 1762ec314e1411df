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
        var out = [Float](repeating: 0, count: batch * lq * channels)
        var scores = [Float](repeating: 0, count: lq * lk)   // [Lq, Lk], reused per head
        query.scalars.withUnsafeBufferPointer { qp in
            key.scalars.withUnsafeBufferPointer { kp in
                value.scalars.withUnsafeBufferPointer { vp in
                    out.withUnsafeMutableBufferPointer { op in
                        scores.withUnsafeMutableBufferPointer { sp in
                            guard let q = qp.baseAddress, let k = kp.baseAddress, let v = vp.baseAddress,
                                  let o = op.baseAddress, let s = sp.baseAddress else { return }
                            for b in 0..<batch {
                                for h in 0..<heads {
                                    // Head h of item b: a [L, d] view with row stride C.
                                    let qh = q + b * lq * channels + h * d
                                    let kh = k + b * lk * channels + h * d
                                    let vh = v + b * lk * channels + h * d
                                    let oh = o + b * lq * channels + h * d
                                    Tensor.gemm(transposeB: true, m: lq, n: lk, k: d, alpha: alpha,
                                                a: qh, lda: channels, b: kh, ldb: channels, c: s, ldc: lk)
                                    Tensor.softmaxRows(s, rows: lq, width: lk)
                                    Tensor.gemm(m: lq, n: d, k: lk, a: s, lda: lk, b: vh, ldb: channels,
                                                c: oh, ldc: channels)
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, lq, channels], scalars: out)
    }
}
