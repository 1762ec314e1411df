import Synchronization
import TestSupport
import XCTest
@testable import Tensor

/// noisebook's own Float32 kernels (`CSGEMM`), each one this CPU runs, against the definition
/// in Double, against each other bit for bit, and as `conv2d` runs them.
final class Float32KernelTests: XCTestCase {
    /// Every kernel this CPU can execute; the portable one and OpenBLAS always.
    private let kernels = Float32Kernel.allCases.filter(\.isRunnable)

    /// C = A B with strided operands, for `kernel` on this thread; C's padding columns keep
    /// their sentinel.
    private func product(_ kernel: Float32Kernel, m: Int, n: Int, k: Int, a: [Float], b: [Float],
                         split: Bool = false) -> [Float] {
        let (lda, ldb, ldc) = (k + 3, n + 5, n + 2)
        var c = [Float](repeating: .nan, count: m * ldc)
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            if split {
                kernel.multiply(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                                c: cp.baseAddress!, ldc: ldc)
            } else {
                kernel.multiplyOnThisThread(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                                            c: cp.baseAddress!, ldc: ldc)
            }
        } } }
        for i in 0..<m {
            for j in n..<ldc { XCTAssertTrue(c[i * ldc + j].isNaN, "\(kernel) wrote outside C at (\(i), \(j))") }
        }
        return (0..<(m * n)).map { c[($0 / n) * ldc + $0 % n] }
    }

    func testEveryKernelThisCPURunsMatchesTheDefinition() {
        XCTAssertTrue(kernels.contains(.portable) && kernels.contains(.openblas))
        var random = SeededRandom(seed: 33)
        // Row tails of every micro-tile height (12, 6); column tails of the 16- and 32-wide
        // panels, including a last panel of exactly one vector and one of 17 to 31 columns; k
        // beyond one 256-deep block with a remainder; a single element; and rows of real
        // layers (IF's 192 to 1536 output channels) past many micro-tile blocks, ragged.
        for (m, n, k) in [(1, 1, 1), (17, 15, 3), (13, 33, 257), (24, 48, 300), (40, 70, 600), (301, 37, 130),
                          (1537, 19, 70)] {
            let a = random.normal(shape: [m, k + 3]).scalars, b = random.normal(shape: [k, n + 5]).scalars
            var exact = [Double](repeating: 0, count: m * n), magnitude = [Double](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    for p in 0..<k {
                        let x = Double(a[i * (k + 3) + p]) * Double(b[p * (n + 5) + j])
                        exact[i * n + j] += x
                        magnitude[i * n + j] += abs(x)
                    }
                }
            }
            for kernel in kernels {
                let c = product(kernel, m: m, n: n, k: k, a: a, b: b)
                for i in 0..<(m * n) {
                    // Float32 sums of k terms: within k ulps of the sum of magnitudes.
                    XCTAssertEqual(Double(c[i]), exact[i], accuracy: Double(k) * 0x1p-23 * magnitude[i] + 1e-30,
                                   "\(kernel) \(m)x\(n)x\(k) at \(i)")
                }
            }
        }
    }

    /// Every kernel the CPU's flags in /proc/cpuinfo allow is runnable, and a product asked
    /// of it runs its own code (its counter moves, the portable one's does not): a wrong
    /// feature check or a silent fallback fails here, not only in speed.
    func testEveryKernelTheCPUAllowsRunsItsOwnCode() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?
            .split(separator: ":").last?.split(separator: " ").map(String.init) ?? [])
        var expected: [Float32Kernel] = [.portable]
        if flags.contains("avx2") && flags.contains("fma") { expected.append(.avx2) }
        if flags.contains("avx512f") { expected.append(.avx512) }
        var random = SeededRandom(seed: 5)
        let a = random.normal(shape: [20, 9 + 3]).scalars, b = random.normal(shape: [9, 21 + 5]).scalars
        var exercised = [String]()
        for kernel in expected {
            XCTAssertTrue(kernel.isRunnable, "/proc/cpuinfo says this CPU runs \(kernel), noisebook says it cannot")
            let before = try XCTUnwrap(kernel.runs), portableBefore = try XCTUnwrap(Float32Kernel.portable.runs)
            _ = product(kernel, m: 20, n: 21, k: 9, a: a, b: b)
            XCTAssertEqual(try XCTUnwrap(kernel.runs), before + 1, "\(kernel) ran its own code")
            if kernel != .portable {
                XCTAssertEqual(try XCTUnwrap(Float32Kernel.portable.runs), portableBefore, "\(kernel) did not fall back to portable")
            }
            exercised.append(kernel.rawValue)
        }
        print("Float32 kernels exercised on this CPU: \(exercised.joined(separator: ", "))")
    }

    /// The SIMD kernels do the portable kernel's operations in its order: identical bits.
    func testSIMDKernelsEqualThePortableKernelBitForBit() {
        var random = SeededRandom(seed: 34)
        let (m, n, k) = (37, 50, 530)
        let a = random.normal(shape: [m, k + 3]).scalars, b = random.normal(shape: [k, n + 5]).scalars
        let reference = product(.portable, m: m, n: n, k: k, a: a, b: b)
        for kernel in kernels where kernel != .portable && kernel != .openblas {
            XCTAssertEqual(product(kernel, m: m, n: n, k: k, a: a, b: b), reference, "\(kernel)")
        }
    }

    /// B already in each kernel's column panels (Winograd's transformed input) gives bit for bit
    /// the row-major product; the padding columns past n, NaN here, reach no output.
    func testPanelledOperandGivesTheRowMajorProductBitForBit() {
        var random = SeededRandom(seed: 35)
        let (m, n, k) = (29, 70, 300)
        let a = random.normal(shape: [m, k + 3]).scalars, b = random.normal(shape: [k, n + 5]).scalars
        for kernel in kernels {
            let width = kernel.panelWidth, panels = (n + width - 1) / width
            let panelStride = (k * width + 15) / 16 * 16 + 16
            let count = panels * panelStride
            let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
            defer { raw.deallocate() }
            let packed = raw.bindMemory(to: Float.self, capacity: count)
            packed.initialize(repeating: .nan, count: count)
            for p in 0..<k {
                for j in 0..<n { packed[(j / width) * panelStride + p * width + j % width] = b[p * (n + 5) + j] }
            }
            var c = [Float](repeating: .nan, count: m * (n + 2))
            a.withUnsafeBufferPointer { ap in c.withUnsafeMutableBufferPointer { cp in
                kernel.multiplyOnThisThread(m: m, n: n, k: k, a: ap.baseAddress!, lda: k + 3, panels: packed,
                                            panelStride: panelStride, c: cp.baseAddress!, ldc: n + 2)
            } }
            let values = (0..<(m * n)).map { c[($0 / n) * (n + 2) + $0 % n] }
            XCTAssertEqual(values, product(kernel, m: m, n: n, k: k, a: a, b: b), "\(kernel)")
            XCTAssertTrue((0..<m).allSatisfy { i in c[i * (n + 2) + n].isNaN && c[i * (n + 2) + n + 1].isNaN },
                          "\(kernel) wrote outside C")
        }
    }

    /// Split over the cores (by rows and by columns, and a one-column product split for the
    /// size of its operands, as a resnet's time projection is), each value is summed as on
    /// one thread.
    func testSplittingOverTheCoresChangesNoValue() {
        var random = SeededRandom(seed: 35)
        // By columns, by rows, by rows over several of `SharedPanels`' slices of k, and a time
        // projection (split for its operands' size).
        for (m, n, k) in [(300, 40, 400), (40, 300, 400), (301, 40, 2100), (1536, 1, 768)] {
            XCTAssertTrue(GEMMSplit.splits(m: m, n: n, k: k))
            let parts = Mutex(0)
            GEMMSplit.forEachPart(m: m, n: n, k: k) { _, _ in parts.withLock { $0 += 1 } }
            XCTAssertEqual(parts.withLock { $0 } > 1, Parallel.workers > 1, "\(m)x\(n)x\(k): split only on several cores")
            let a = random.normal(shape: [m, k + 3]).scalars, b = random.normal(shape: [k, n + 5]).scalars
            for kernel in kernels where kernel != .openblas {
                let shared = SharedPanels(m: m, n: n, k: k, kernel: kernel)
                XCTAssertEqual(shared != nil, Parallel.workers > 1 && m > n, "\(kernel) \(m)x\(n)x\(k): rows over shared panels")
                XCTAssertEqual(product(kernel, m: m, n: n, k: k, a: a, b: b, split: true),
                               product(kernel, m: m, n: n, k: k, a: a, b: b), "\(kernel) \(m)x\(n)")
            }
        }
    }

    /// A split by columns is cut `columnPartsPerLane` times finer than one by rows, in whole
    /// granules that cover C once.
    func testColumnSplitsAreCutFinerInWholeGranules() {
        for (m, n, expected) in [(40, 1000, 8), (1000, 40, 2), (40, 100, 4)] {
            let split = GEMMSplit(m: m, n: n, lanes: 2, columnPartsPerLane: 4)
            XCTAssertEqual(split.count, expected, "\(m)x\(n)")
            let length = split.alongRows ? m : n
            let ranges = (0..<split.count).map(split.range)
            XCTAssertEqual(ranges.first?.lowerBound, 0)
            XCTAssertEqual(ranges.last?.upperBound, length, "\(m)x\(n)")
            for (a, b) in zip(ranges, ranges.dropFirst()) {
                XCTAssertEqual(a.upperBound, b.lowerBound)
                XCTAssertEqual(a.count % GEMMSplit.granule, 0, "\(m)x\(n): whole granules but the last")
            }
        }
    }

    func testAnEmptySumIsZero() {
        for kernel in kernels where kernel != .openblas {
            var c = [Float](repeating: .nan, count: 6)
            let one: [Float] = [1]
            one.withUnsafeBufferPointer { p in c.withUnsafeMutableBufferPointer { cp in
                kernel.multiplyOnThisThread(m: 2, n: 3, k: 0, a: p.baseAddress!, lda: 1, b: p.baseAddress!, ldb: 3,
                                            c: cp.baseAddress!, ldc: 3)
            } }
            XCTAssertEqual(c, [Float](repeating: 0, count: 6), "\(kernel)")
        }
    }

    /// A 3x3 convolution through `conv2d`'s Winograd path (kept weights, as the UNets run it)
    /// and its direct path for a small image, with each kernel, give the definition's output.
    func testWinogradConvolutionWithEachKernelMatchesDirect() throws {
        var random = SeededRandom(seed: 36)
        let x = random.normal(shape: [2, 24, 16, 16]), w = random.normal(shape: [40, 24, 3, 3])
        let bias = random.normal(shape: [40])
        let direct = Tensor(shape: [x.shape[0], w.shape[0], x.shape[2], x.shape[3]], scalars: referenceConvolution3x3(x, w, bias: bias).map(Float.init))
        for tile in WinogradTile.allCases {
            for kernel in kernels {
                let out = try w.scalars.withUnsafeBufferPointer { wp in
                    try x.conv2d(weights: wp.baseAddress!, weightShape: w.shape, bias: bias, padding: 1,
                                 algorithm: .winograd(tile), winogradCache: WinogradWeightCache(), kernel: kernel)
                }
                let largest = direct.scalars.map(abs).max() ?? 1
                let worst = maxAbsDifference(Array(out.scalars), Array(direct.scalars))
                // F(4x4, 3x3)'s transforms cost up to about 1e-5 of the largest output (WinogradTests).
                XCTAssertLessThan(worst / largest, 3e-5, "\(tile) \(kernel)")
            }
        }
        for kernel in kernels {
            let out = try w.scalars.withUnsafeBufferPointer { wp in
                try x.conv2d(weights: wp.baseAddress!, weightShape: w.shape, bias: bias, padding: 1, algorithm: .direct, kernel: kernel)
            }
            let worst = maxAbsDifference(Array(out.scalars), Array(direct.scalars))
            // Float32 sums of 216 terms of size about 1.
            XCTAssertLessThan(worst, 1e-4, "direct \(kernel)")
        }
    }

    /// Each image of a batch gets the values it gets alone, bit for bit, from a 1x1 convolution
    /// wide enough that a batch folded into one product would cross `narrowColumns` (and go to
    /// another kernel), and from a direct 3x3 one: a CFG pair or a batched call must not change
    /// an image.
    /// Each image's output is the same alone and in a batch, on every path a convolution takes:
    /// a 1x1 and a direct 3x3 (where the batch, folded into one product, would cross to
    /// OpenBLAS: 3,072 and 1,280 columns), and both Winograd
    /// tiles at 64x64, where six images hold 1,536 F(4x4) and 6,144 F(2x2) tiles, past
    /// `narrowColumns`, while one image stays within it: the kernel is chosen by the image.
    func testConvolutionsGiveAnImageTheSameValuesAloneAndInABatch() throws {
        var random = SeededRandom(seed: 37)
        let cases: [(x: Tensor, w: Tensor, padding: Int, algorithm: ConvolutionAlgorithm)] = [
            (random.normal(shape: [3, 300, 32, 32]), random.normal(shape: [24, 300, 1, 1]), 0, .direct),
            (random.normal(shape: [20, 60, 8, 8]), random.normal(shape: [24, 60, 3, 3]), 1, .direct),
            (random.normal(shape: [6, 520, 64, 64]), random.normal(shape: [16, 520, 3, 3]), 1, .winograd(.f4x4)),
            (random.normal(shape: [6, 520, 64, 64]), random.normal(shape: [16, 520, 3, 3]), 1, .winograd(.f2x2)),
        ]
        let bias = random.normal(shape: [24])
        for (x, w, padding, algorithm) in cases {
            let batch = x.shape[0]
            let b = try Tensor(shape: [w.shape[0]], scalars: Array(bias.scalars.prefix(w.shape[0])))
            for kernel in kernels where kernel != .openblas {
                func convolve(_ input: Tensor) throws -> Tensor {
                    try w.scalars.withUnsafeBufferPointer { wp in
                        try input.conv2d(weights: wp.baseAddress!, weightShape: w.shape, bias: b, padding: padding,
                                         algorithm: algorithm, kernel: kernel)
                    }
                }
                let together = try convolve(x)
                for i in 0..<batch {
                    let alone = try convolve(try x.slice(i).reshaped([1] + Array(x.shape.dropFirst())))
                    XCTAssertEqual(together.slice(i).scalars, alone.scalars, "\(w.shape) \(algorithm) \(kernel) image \(i)")
                }
            }
        }
    }

    /// A linear layer gives each item (the leading axis) the same values alone and in a batch:
    /// vectors `[B, in]` (a timestep embedding) and 77-token prompts `[B, 77, in]`, whose
    /// 462 rows in a batch of six would have been one OpenBLAS product.
    func testLinearLayersGiveAnItemTheSameValuesAloneAndInABatch() throws {
        var random = SeededRandom(seed: 41)
        let w = random.normal(shape: [48, 600]), bias = random.normal(shape: [48])
        for x in [random.normal(shape: [6, 600]), random.normal(shape: [6, 77, 600])] {
            for kernel in kernels {
                let together = try w.scalars.withUnsafeBufferPointer { try x.linear(weights: $0.baseAddress!, weightShape: w.shape, bias: bias, kernel: kernel) }
                for i in 0..<x.shape[0] {
                    let item = try x.slice(i).reshaped([1] + Array(x.shape.dropFirst()))
                    let alone = try w.scalars.withUnsafeBufferPointer { try item.linear(weights: $0.baseAddress!, weightShape: w.shape, bias: bias, kernel: kernel) }
                    XCTAssertEqual(together.slice(i).scalars, alone.scalars, "\(x.shape) \(kernel) item \(i)")
                }
            }
        }
    }

    func testTheEnvironmentChoosesTheKernel() throws {
        XCTAssertEqual(try Float32Kernel.from(environment: [:]), Float32Kernel.preferred)
        XCTAssertEqual(try Float32Kernel.from(environment: ["NOISEBOOK_SGEMM_KERNEL": "auto"]), Float32Kernel.preferred)
        for kernel in kernels {
            XCTAssertEqual(try Float32Kernel.from(environment: ["NOISEBOOK_SGEMM_KERNEL": kernel.rawValue]), kernel)
        }
        XCTAssertThrowsError(try Float32Kernel.from(environment: ["NOISEBOOK_SGEMM_KERNEL": "avx3"])) { error in
            XCTAssertTrue("\(error)".contains("NOISEBOOK_SGEMM_KERNEL=avx3: expected auto, avx512, avx2, portable or openblas"), "\(error)")
        }
        for kernel in Float32Kernel.allCases where !kernel.isRunnable {
            XCTAssertThrowsError(try Float32Kernel.from(environment: ["NOISEBOOK_SGEMM_KERNEL": kernel.rawValue])) { error in
                XCTAssertTrue("\(error)".contains("this CPU has no"), "\(error)")
            }
        }
    }
}
