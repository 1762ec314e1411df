import COpenBLAS
import Foundation

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
        BLASRuntime.singleThreaded()
        let sa = SharedPointer(base: a), sb = SharedPointer(base: b), sc = SharedMutablePointer(base: c)
        GEMMSplit.forEachPart(m: m, n: n, k: k) { rows, columns in
            let aPart = transposeA ? sa.base + rows.lowerBound : sa.base + rows.lowerBound * lda
            let bPart = transposeB ? sb.base + columns.lowerBound * ldb : sb.base + columns.lowerBound
            sgemmOnThisThread(transposeA: transposeA, transposeB: transposeB, m: rows.count, n: columns.count, k: k,
                              alpha: alpha, a: aPart, lda: lda, b: bPart, ldb: ldb, beta: beta,
                              c: sc.base + rows.lowerBound * ldc + columns.lowerBound, ldc: ldc)
        }
    }

    /// One SGEMM call on the calling thread (OpenBLAS runs single-threaded in this process).
    @inline(__always)
    static func sgemmOnThisThread(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
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

/// How one GEMM is cut into per-core parts: contiguous row or column ranges of C,
/// rounded to the SGEMM kernel's register tile so that no part ends in a ragged edge
/// the other part would not have. Each part packs the whole of the operand it shares, so
/// the dimension whose shared operand is the smaller one is split (rows of C share B,
/// columns of C share A); each C value is summed in the same order either way.
struct GEMMSplit {
    /// m x n x k below which a GEMM stays on one thread, unless its operands are large.
    static let minimumWork = 1 << 21
    /// Floats of A and B from which a GEMM is split whatever its arithmetic: a product of few
    /// columns is bound by reading its operands (a resnet's time projection reads 1536 x 768
    /// weights for one row, about half a millisecond), and a hand-off costs microseconds.
    static let minimumOperands = 1 << 18
    /// Rows (M) or columns (N) of C per unit of splitting.
    static let granule = 32

    let alongRows: Bool
    let count: Int
    private let length: Int
    private let size: Int

    /// At most `lanes` parts for a split by rows, `lanes * columnPartsPerLane` for one by columns.
    init(m: Int, n: Int, lanes: Int, columnPartsPerLane: Int = 1) {
        alongRows = m > n
        let parts = alongRows ? lanes : lanes * Swift.max(1, columnPartsPerLane)
        length = alongRows ? m : n
        let units = (length + GEMMSplit.granule - 1) / GEMMSplit.granule
        count = Swift.max(1, Swift.min(parts, units))
        size = ((units + count - 1) / count) * GEMMSplit.granule
    }

    func range(_ part: Int) -> Range<Int> {
        let start = Swift.min(length, part * size)
        return start..<Swift.min(length, start + size)
    }

    /// Whether an `[m, n]` product over `k` is worth more than one core: at least
    /// `minimumWork`, or operands of at least `minimumOperands` floats.
    static func splits(m: Int, n: Int, k: Int) -> Bool {
        m * n * k >= minimumWork || m * k + k * n >= minimumOperands
    }

    /// Calls `body(rows, columns)` for each part of an `[m, n]` product over `k`, one part per
    /// core at once; below `minimumWork` with operands under `minimumOperands` (waking a second
    /// core costs more than it saves) or on one core, once on this thread with the whole of C.
    ///
    /// A split by columns is cut into `columnPartsPerLane` parts per core, taken by whichever
    /// lane is free: each part packs only its own columns, so a kernel that reads A in place
    /// pays nothing for the finer cut (OpenBLAS, which packs A per call, takes 1).
    static func forEachPart(m: Int, n: Int, k: Int, columnPartsPerLane: Int = 1,
                            _ body: @Sendable (Range<Int>, Range<Int>) -> Void) {
        guard m > 0, n > 0 else { return }
        let cores = Parallel.workers
        guard cores > 1, splits(m: m, n: n, k: k) else {
            body(0..<m, 0..<n)
            return
        }
        let split = GEMMSplit(m: m, n: n, lanes: cores, columnPartsPerLane: columnPartsPerLane)
        Parallel.perform(iterations: split.count) { part in
            let range = split.range(part)
            guard !range.isEmpty else { return }
            if split.alongRows { body(range, 0..<n) } else { body(0..<m, range) }
        }
    }
}
