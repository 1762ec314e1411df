import COpenBLAS

/// Matrix multiplication through OpenBLAS SGEMM.
extension Tensor {
    /// `C = alpha * op(A) * op(B) + beta * C` on raw row-major buffers, where op(A) is
    /// `[m, k]` and op(B) is `[k, n]`; `transposeA`/`transposeB` read A as `[k, m]` / B as `[n, k]`.
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false,
                            m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The matrix product of `[m, k]` and `[k, n]` tensors (`[m, n]`).
    public func matmul(_ other: Tensor, transposeOther: Bool = false) throws -> Tensor {
        guard rank == 2, other.rank == 2 else {
            throw TensorError.invalidArgument("matmul needs two matrices, got \(Tensor.format(shape)) and \(Tensor.format(other.shape))")
        }
        let (m, k) = (shape[0], shape[1])
        let (kb, n) = transposeOther ? (other.shape[1], other.shape[0]) : (other.shape[0], other.shape[1])
        guard k == kb else { throw TensorError.shapeMismatch(operation: "matmul", shape, other.shape) }
        var out = [Float](repeating: 0, count: m * n)
        scalars.withUnsafeBufferPointer { ap in
            other.scalars.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { cp in
                    guard let a = ap.baseAddress, let b = bp.baseAddress, let c = cp.baseAddress else { return }
                    Tensor.gemm(transposeB: transposeOther, m: m, n: n, k: k,
                                a: a, lda: k, b: b, ldb: transposeOther ? k : n, c: c, ldc: n)
                }
            }
        }
        return Tensor(shape: [m, n], scalars: out)
    }
}
