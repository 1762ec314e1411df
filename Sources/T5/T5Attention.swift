import Foundation
import NN
import Tensor

/// T5's self-attention (`T5Attention` in an encoder): q, k, v and o projections without
/// biases, scores `q kᵀ` WITHOUT the usual `1 / sqrt(d_kv)` scaling (T5 folds it into its
/// initialisation), plus the shared position bias, softmax in Float32, then `· v` and `o`.
struct T5Attention: Sendable {
    /// q, k, v: `[inner, d_model]`; o: `[d_model, inner]`, with inner = num_heads * d_kv.
    let q: Linear
    let k: Linear
    let v: Linear
    let o: Linear
    let heads: Int
    /// d_kv: the width of one head.
    let headWidth: Int

    /// `name.{q,k,v,o}.weight` from `loader`, sized by `config`.
    init(_ loader: WeightLoader, _ name: String, config: T5Config) throws {
        let (model, inner) = (config.dModel, config.innerDim)
        q = try Linear(loader, name + ".q", inFeatures: model, outFeatures: inner, bias: false)
        k = try Linear(loader, name + ".k", inFeatures: model, outFeatures: inner, bias: false)
        v = try Linear(loader, name + ".v", inFeatures: model, outFeatures: inner, bias: false)
        o = try Linear(loader, name + ".o", inFeatures: inner, outFeatures: model, bias: false)
        heads = config.numHeads
        headWidth = config.dKV
    }

    /// `x` `[B, L, d_model]` (already normalised) and `positionBias` `[B, H, L, L]` (relative
    /// bias plus mask) -> `[B, L, d_model]`.
    func callAsFunction(_ x: Tensor, positionBias: Tensor) throws -> Tensor {
        let (batch, length) = (x.shape[0], x.shape[1])
        guard positionBias.shape == [batch, heads, length, length] else {
            throw TensorError.shapeMismatch(operation: "T5 attention bias", [batch, heads, length, length], positionBias.shape)
        }
        // One GEMM each over all B * L rows.
        let query = try q(x), key = try k(x), value = try v(x)  // [B, L, inner] each
        let inner = heads * headWidth
        var out = [Float](repeating: 0, count: batch * length * inner)  // [B, L, inner]
        let (heads, width) = (self.heads, headWidth)
        query.scalars.withUnsafeBufferPointer { qp in
            key.scalars.withUnsafeBufferPointer { kp in
                value.scalars.withUnsafeBufferPointer { vp in
                    positionBias.scalars.withUnsafeBufferPointer { bp in
                        out.withUnsafeMutableBufferPointer { op in
                            guard let qb = qp.baseAddress, let kb = kp.baseAddress, let vb = vp.baseAddress,
                                  let bb = bp.baseAddress, let ob = op.baseAddress else { return }
                            let shared = AttentionPointers(q: qb, k: kb, v: vb, bias: bb, out: ob)
                            // Each (item, head) writes its own d_kv columns of `out`; the
                            // products are small (L x L x d_kv), so one core each.
                            Parallel.perform(iterations: batch * heads) { item in
                                let (b, h) = (item / heads, item % heads)
                                let rows = b * length * inner + h * width  // head h of item b: [L, d_kv], row stride inner
                                var scores = [Float](repeating: 0, count: length * length)  // [L, L]
                                scores.withUnsafeMutableBufferPointer { sp in
                                    guard let s = sp.baseAddress else { return }
                                    // scores = bias + q kᵀ (GEMM with beta 1 onto the bias).
                                    s.update(from: shared.bias + item * length * length, count: length * length)
                                    Tensor.gemm(transposeB: true, m: length, n: length, k: width, alpha: 1,
                                                a: shared.q + rows, lda: inner, b: shared.k + rows, ldb: inner,
                                                beta: 1, c: s, ldc: length)
                                    T5Attention.softmaxRows(s, rows: length, width: length)
                                    Tensor.gemm(m: length, n: width, k: length, a: s, lda: length,
                                                b: shared.v + rows, ldb: inner, c: shared.out + rows, ldc: inner)
                                }
                            }
                        }
                    }
                }
            }
        }
        return try o(Tensor(shape: [batch, length, inner], scalars: out))
    }

    /// Softmax of each of `rows` rows of `width` scores in place, the row maximum
    /// subtracted first. libm's `exp` gives exactly 0 for masked keys (`finfo.min` minus the
    /// maximum), as PyTorch does.
    static func softmaxRows(_ scores: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            let row = scores + r * width
            var maximum = -Float.infinity
            for j in 0..<width { maximum = Swift.max(maximum, row[j]) }
            var total: Float = 0
            for j in 0..<width {
                let e = Foundation.exp(row[j] - maximum)
                row[j] = e
                total += e
            }
            let scale = 1 / total
            for j in 0..<width { row[j] *= scale }
        }
    }
}

/// The attention buffers, shared by the concurrent (item, head) iterations: they read
/// q, k, v and the bias and write disjoint columns of `out`.
private struct AttentionPointers: @unchecked Sendable {
    let q: UnsafePointer<Float>
    let k: UnsafePointer<Float>
    let v: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>
}
