import CBFloat16
import Foundation

/// Which bfloat16 matrix-product kernel runs.
public enum BFloat16Kernel: String, Sendable, CaseIterable {
    /// VDPBF16PS on 512-bit vectors (CPUs with AVX512-BF16: Intel Cooper Lake and Sapphire
    /// Rapids on, AMD Zen 4 on).
    case avx512 = "avx512"
    /// Plain C with the same rounding, one product at a time: every CPU, for tests.
    case portable = "portable"

    /// Whether this CPU runs the kernel.
    public var isRunnable: Bool { self == .portable || nb_bf16_cpu_supported() != 0 }

    /// How many products this kernel has run in this process (a product split over the cores
    /// counts once per part).
    public var runs: UInt { UInt(nb_bf16_runs(self == .avx512 ? 1 : 0)) }

    /// The kernel for `environment`: `NOISEBOOK_BF16_KERNEL=avx512|portable` forces one;
    /// unset or auto, AVX512-BF16 where the CPU has it, else nil (bf16 is refused, see `unavailable`).
    /// A kernel this CPU cannot run, or an unknown name, is an error naming it.
    public static func from(environment: [String: String]) throws -> BFloat16Kernel? {
        guard let name = Knob.bf16Kernel.value(in: environment), name != "auto" else {
            return BFloat16Kernel.avx512.isRunnable ? .avx512 : nil
        }
        guard let kernel = BFloat16Kernel(rawValue: name) else { throw Knob.bf16Kernel.invalid(name) }
        guard kernel.isRunnable else { throw Knob.bf16Kernel.invalid(name, "this CPU has no AVX512-BF16 instructions") }
        return kernel
    }

    /// This process's kernel, read from its environment once: what `precision: bf16` runs on
    /// (a failure is reported when bf16 is asked for, not before).
    public static let current: Result<BFloat16Kernel?, any Error> =
        Result { try from(environment: ProcessInfo.processInfo.environment) }

    /// Why bf16 cannot run here, for the refusal users see; nil where it can.
    public static var unavailable: String? {
        BFloat16Kernel.avx512.isRunnable ? nil
            : "precision bf16 needs a CPU with AVX512-BF16 instructions (Intel Cooper Lake or Sapphire Rapids and later, AMD Zen 4 and later); this one has none: use fp32"
    }
}

/// A matrix rounded to bfloat16 (to nearest, ties to even) and packed for the bf16 kernels:
/// weights, packed once at load and multiplied many times. Half the bytes of fp32.
public struct BFloat16Matrix: Sendable {
    /// Rows (M of the product).
    public let rows: Int
    /// Columns (K of the product).
    public let columns: Int
    /// `rows` runs of `(columns + 1) / 2` words, each two bf16 of one row (k even low).
    let words: [UInt32]

    /// Packs `rows` x `columns` floats from `values`, rows `rowStride` floats apart.
    public init(_ values: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int) {
        self.rows = rows
        self.columns = columns
        let count = rows * nb_bf16_pairs(columns)
        words = [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { nb_bf16_pack_rows(rows, columns, values, rowStride, base) }
            initialized = count
        }
    }

    /// The value at (row, column) as the kernels see it.
    public subscript(row: Int, column: Int) -> Float {
        let word = words[row * nb_bf16_pairs(columns) + column / 2]
        return nb_bf16_to_float(UInt16(truncatingIfNeeded: column % 2 == 0 ? word : word >> 16))
    }

    /// Bytes held.
    public var byteCount: Int { words.count * 4 }

    /// The values as the kernels see them, `[rows, columns]` row-major (bf16 widens exactly).
    public func floats() -> [Float] {
        (0..<(rows * columns)).map { self[$0 / columns, $0 % columns] }
    }

    /// C [rows, n] = self B on the calling thread (B [columns, n] rows `ldb` apart).
    func multiplyOnThisThread(b: UnsafePointer<Float>, ldb: Int, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                              kernel: BFloat16Kernel) {
        words.withUnsafeBufferPointer { wp in
            guard let w = wp.baseAddress else { return }
            nb_bf16_gemm(rows, n, columns, w, b, ldb, c, ldc, 0, kernel == .avx512 ? 1 : 0)
        }
    }

    /// `x` rounded to the nearest bfloat16, as a Float.
    public static func rounded(_ x: Float) -> Float { nb_bf16_to_float(nb_bf16_from_float(x)) }
}

extension Tensor {
    /// C [m, n] = A B (or C += A B): A bf16-packed [m, k], B [k, n] fp32 rows `ldb` apart,
    /// rounded to bf16 as they are read, fp32 sums. Large products are split over the cores.
    public static func bf16gemm(_ a: BFloat16Matrix, b: UnsafePointer<Float>, ldb: Int, n: Int,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
                                kernel: BFloat16Kernel) {
        let (m, k) = (a.rows, a.columns)
        guard m > 0, n > 0 else { return }
        let code: Int32 = kernel == .avx512 ? 1 : 0
        a.words.withUnsafeBufferPointer { wp in
            guard let words = wp.baseAddress else { return }
            let pairs = nb_bf16_pairs(k)
            let sw = SharedPointer(base: words), sb = SharedPointer(base: b), sc = SharedMutablePointer(base: c)
            GEMMSplit.forEachPart(m: m, n: n, k: k) { rows, columns in
                nb_bf16_gemm(rows.count, columns.count, k, sw.base + rows.lowerBound * pairs, sb.base + columns.lowerBound, ldb,
                             sc.base + rows.lowerBound * ldc + columns.lowerBound, ldc, accumulate ? 1 : 0, code)
            }
        }
    }
}
