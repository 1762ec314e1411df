import COpenBLAS
import CSGEMM
import CVector
import Foundation

/// Which kernel computes the products whose left operand is a layer's weights (Winograd's
/// element products and the direct products of small images).
///
/// OpenBLAS packs both operands on every call; for a weight matrix that never changes and a
/// product with few columns that packing is a large share of the work (about a tenth of an
/// IF-I-M forward at batch 1, measured with perf). noisebook's own kernels (`CSGEMM`) read the
/// weights in place and pack only the activations.
public enum Float32Kernel: String, Sendable, CaseIterable {
    /// AVX-512F, 12 x 32 micro-tiles.
    case avx512 = "avx512"
    /// AVX2 with FMA, 6 x 16 micro-tiles.
    case avx2 = "avx2"
    /// Plain C: every CPU, bit for bit the SIMD kernels' sums (for tests).
    case portable = "portable"
    /// OpenBLAS's SGEMM, as every other product.
    case openblas = "openblas"

    /// The C library's code for the kernel (`openblas` has none).
    var code: Int32? {
        switch self {
        case .avx512: return Int32(NB_SGEMM_AVX512)
        case .avx2: return Int32(NB_SGEMM_AVX2)
        case .portable: return Int32(NB_SGEMM_PORTABLE)
        case .openblas: return nil
        }
    }

    /// CVector's kernel of the same instruction set (for OpenBLAS, which has none: the fastest
    /// this CPU runs), so that one variable forces every SIMD path.
    var vectorCode: Int32 {
        switch self == .openblas ? Float32Kernel.preferred : self {
        case .avx512: return Int32(NB_VECTOR_AVX512)
        case .avx2: return Int32(NB_VECTOR_AVX2)
        case .portable, .openblas: return Int32(NB_VECTOR_PORTABLE)
        }
    }

    /// How many calls CVector's kernel of the same instruction set has run in this process:
    /// `runs` for the elementwise kernels (OpenBLAS's count is that of the kernel it maps to).
    public var vectorRuns: UInt { UInt(nb_vector_runs(vectorCode)) }

    /// Whether this CPU runs the kernel.
    public var isRunnable: Bool { code.map { nb_sgemm_supported($0) != 0 } ?? true }

    /// How many products this kernel's own code has computed in this process (nil for
    /// OpenBLAS): what tests read to prove a path ran rather than fell back.
    public var runs: UInt? { code.map { UInt(nb_sgemm_runs($0)) } }

    /// The rows of the kernel's micro-tile (1 for the portable kernel and OpenBLAS): row blocks
    /// that are multiples of it cut no tile short.
    public var tileHeight: Int { code.map { nb_sgemm_tile_height($0) } ?? 1 }

    /// The width of the column panels the kernel packs its right operand into (1 for the
    /// portable kernel and OpenBLAS): a product whose columns are a multiple of it wastes none.
    public var panelWidth: Int { code.map { nb_sgemm_panel_width($0) } ?? 1 }

    /// The fastest this CPU runs: AVX-512, else AVX2, else OpenBLAS (the portable kernel is for tests).
    public static var preferred: Float32Kernel {
        [.avx512, .avx2].first { $0.isRunnable } ?? .openblas
    }

    /// The kernel for `environment`: `NOISEBOOK_SGEMM_KERNEL=auto|avx512|avx2|portable|openblas`
    /// (unset or auto: `preferred`). A kernel this CPU cannot run, or an unknown name, is an
    /// error naming it.
    public static func from(environment: [String: String]) throws -> Float32Kernel {
        guard let name = Knob.sgemmKernel.value(in: environment), name != "auto" else { return preferred }
        guard let kernel = Float32Kernel(rawValue: name) else { throw Knob.sgemmKernel.invalid(name) }
        guard kernel.isRunnable else {
            throw Knob.sgemmKernel.invalid(name, "this CPU has no \(name == "avx2" ? "AVX2 and FMA" : "AVX-512F") instructions")
        }
        return kernel
    }

    /// This process's kernel. An unreadable variable falls back to `preferred` here;
    /// `noisebook doctor` and the command line report it through `from(environment:)`.
    public static let current: Float32Kernel =
        (try? from(environment: ProcessInfo.processInfo.environment)) ?? preferred

    /// Products with at most this many columns run on the chosen kernel; wider ones on
    /// OpenBLAS, whose packing pays for itself there (`bench gemm` on IF's shapes: even at
    /// 1024 columns, at under half of OpenBLAS's speed at 2048x2048x2048).
    public static let narrowColumns = 1024

    /// This kernel for a product with `columns` columns, or OpenBLAS beyond `narrowColumns`.
    public func forProduct(columns: Int) -> Float32Kernel {
        columns <= Float32Kernel.narrowColumns ? self : .openblas
    }

    /// C `[m, n]` = A `[m, k]` B `[k, n]` on the calling thread, row-major, rows `lda`, `ldb`
    /// and `ldc` apart; C is overwritten.
    public func multiplyOnThisThread(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                                     b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard let code else {
            Tensor.sgemmOnThisThread(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                     a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
            return
        }
        nb_sgemm(m, n, k, a, lda, b, ldb, c, ldc, code)
    }

    /// The same with B already in this kernel's column panels (`panelWidth` columns each, 64-byte
    /// aligned; columns `[j w, j w + w)` of row p at `panels[j * panelStride + p * w]`), read
    /// in place. OpenBLAS, which takes only row-major operands, reads a row-major copy.
    public func multiplyOnThisThread(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                                     panels b: UnsafePointer<Float>, panelStride: Int,
                                     c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard let code else {
            // Panels one column wide: B^T, row j at j * panelStride.
            let rows = (0..<(k * n)).map { b[($0 % n) * panelStride + $0 / n] }
            return multiplyOnThisThread(m: m, n: n, k: k, a: a, lda: lda, b: rows, ldb: n, c: c, ldc: ldc)
        }
        nb_sgemm_panels(m, n, k, a, lda, b, panelStride, c, ldc, 0, code)
    }

    /// The same with A held as IEEE half-precision bit patterns (a half-precision layer's
    /// weights): noisebook's kernels widen A a block at a time inside their loops, bit for bit
    /// the product of the widened A; OpenBLAS, which reads only Float32, multiplies a widened copy.
    public func multiplyOnThisThread(m: Int, n: Int, k: Int, aHalf a: UnsafePointer<UInt16>, lda: Int,
                                     b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard let code else {
            let wide = (0..<(m * k)).map { HalfStorage.float(fromHalf: a[($0 / k) * lda + $0 % k]) }
            return multiplyOnThisThread(m: m, n: n, k: k, a: wide, lda: k, b: b, ldb: ldb, c: c, ldc: ldc)
        }
        nb_sgemm_half(m, n, k, a, lda, b, ldb, c, ldc, code)
    }

    /// The same, split over the cores as `Tensor.gemm` splits its products.
    public func multiply(m: Int, n: Int, k: Int, aHalf a: UnsafePointer<UInt16>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        split(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, panelPart: { block, a, c in
            nb_sgemm_half_panels(block.rows.count, n, block.depth.count, a, lda, block.panels, block.panelStride, c, ldc,
                                 block.add, block.kernel)
        }, part: { m, n, a, b, c in
            multiplyOnThisThread(m: m, n: n, k: k, aHalf: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        })
    }

    /// The same, split over the cores as `Tensor.gemm` splits its products.
    public func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        split(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, panelPart: { block, a, c in
            nb_sgemm_panels(block.rows.count, n, block.depth.count, a, lda, block.panels, block.panelStride, c, ldc,
                            block.add, block.kernel)
        }, part: { m, n, a, b, c in
            multiplyOnThisThread(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        })
    }

    /// Parts per lane of a product split by columns: noisebook's kernels read A in place and
    /// each part packs only its own columns, so finer parts cost no packing and let a lane
    /// that finishes early take more (OpenBLAS, which packs A for every call, keeps one).
    static let columnPartsPerLane = 4

    /// C `[m, n]` = A B in the parts `GEMMSplit` cuts, each `part(rows, columns, A, B, C)` on
    /// the operands offset to its corner, whatever A's element type; a product cut by rows on
    /// noisebook's kernels as `SharedPanels`' blocks instead, each `panelPart(block, A, C)` with
    /// A offset to the block's rows and slice of k and C to its rows.
    private func split<A>(m: Int, n: Int, k: Int, a: UnsafePointer<A>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                          c: UnsafeMutablePointer<Float>, ldc: Int,
                          panelPart: @Sendable (SharedPanels.Block, UnsafePointer<A>, UnsafeMutablePointer<Float>) -> Void,
                          part: @Sendable (Int, Int, UnsafePointer<A>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        BLASRuntime.singleThreaded()
        let sa = SharedPointer(base: a), sb = SharedPointer(base: b), sc = SharedMutablePointer(base: c)
        if let shared = SharedPanels(m: m, n: n, k: k, kernel: self) {
            return shared.run(b: b, ldb: ldb) { block in
                panelPart(block, sa.base + block.rows.lowerBound * lda + block.depth.lowerBound, sc.base + block.rows.lowerBound * ldc)
            }
        }
        let columnParts = code == nil ? 1 : Float32Kernel.columnPartsPerLane
        GEMMSplit.forEachPart(m: m, n: n, k: k, columnPartsPerLane: columnParts) { rows, columns in
            part(rows.count, columns.count, sa.base + rows.lowerBound * lda, sb.base + columns.lowerBound,
                 sc.base + rows.lowerBound * ldc + columns.lowerBound)
        }
    }
}
