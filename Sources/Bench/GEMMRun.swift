import Foundation
import Tensor

/// `bench gemm`: noisebook's own fp32 kernel (`Float32Kernel.current`) and bf16 GEMM against
/// OpenBLAS's SGEMM, each split over the cores, on the product shapes the IF UNets run, and
/// at 2048^3.
struct GEMMRun: BenchRun {
    let runs: Int

    init(options: inout Options) throws {
        runs = try options.int("runs", default: 5)
    }

    /// (m, n, k) as the convolutions and attention use them: Cout x (B H W) x (Cin 9), ...
    static let shapes: [(String, Int, Int, Int)] = [
        ("square 2048", 2048, 2048, 2048),
        ("IF-I-M 3x3 conv 32x32 batch 2 (im2col)", 384, 2048, 3456),
        ("IF-I-M 3x3 conv 16x16 batch 2 (im2col)", 576, 512, 5184),
        ("IF-I-L 3x3 conv 8x8 batch 2 (im2col)", 1280, 128, 11520),
        ("IF-I-L Winograd F(4x4) element 32x32 batch 2", 640, 128, 640),
        ("IF-I-M Winograd F(4x4) element 16x16 batch 1", 576, 16, 576),
        ("IF-I-M Winograd F(4x4) element 64x64 batch 2", 192, 512, 192),
        ("IF-I-M 1x1 shortcut 32x32 batch 1", 384, 1024, 192),
        ("IF-I-L attention projection 16x16 batch 2", 960, 512, 960),
    ]

    func run() throws {
        let kernel = try BFloat16Kernel.current.get()
        let own = try Float32Kernel.from(environment: ProcessInfo.processInfo.environment)
        for (name, m, n, k) in Self.shapes {
            var random = SeededRandom(seed: 5)
            let a = random.normal(shape: [m, k]).scalars, b = random.normal(shape: [k, n]).scalars
            var c = [Float](repeating: 0, count: m * n)
            let packed = kernel.map { _ in a.withUnsafeBufferPointer { BFloat16Matrix($0.baseAddress!, rows: m, columns: k, rowStride: k) } }
            let fp32 = Self.best(runs) {
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                    Tensor.gemm(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                } } }
            }
            let mine = Self.best(runs) {
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                    own.multiply(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                } } }
            }
            let bf16 = packed.map { packed in
                Self.best(runs) {
                    b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                        Tensor.bf16gemm(packed, b: bp.baseAddress!, ldb: n, n: n, c: cp.baseAddress!, ldc: n, kernel: kernel!)
                    } }
                }
            }
            let flops = 2 * Double(m) * Double(n) * Double(k)
            var line = ResultLine()
            line.add("kind", "gemm")
            line.add("shape", name.replacingOccurrences(of: " ", with: "_"))
            line.add("fp32_gflop_per_s", flops / fp32 / 1e9)
            line.add("kernel", own.rawValue)
            line.add("own_gflop_per_s", flops / mine / 1e9)
            if let bf16 {
                line.add("bf16_gflop_per_s", flops / bf16 / 1e9)
                line.add("speedup", fp32 / bf16)
            }
            line.print()
        }
    }

    /// The fastest of `runs` timed calls after one untimed.
    static func best(_ runs: Int, _ body: () -> Void) -> Double {
        body()
        var best = Double.infinity
        for _ in 0..<runs {
            let start = ProcessStats.now
            body()
            best = min(best, ProcessStats.now - start)
        }
        return best
    }
}
