import TestSupport
import XCTest
@testable import Tensor

/// Products whose left operand is held in half precision (`multiply(aHalf:)`, IF-I-XL's
/// weights): on every kernel this CPU runs, bit for bit the product of the widened operand,
/// and `conv2d(halfWeights:)` reads the halves only where such a product runs.
final class Float32KernelHalfTests: XCTestCase {
    private let kernels = Float32Kernel.allCases.filter(\.isRunnable)

    /// A `[m, k]` (rows `lda` apart) of random halves and the same values widened.
    private func halves(m: Int, k: Int, lda: Int, random: inout SeededRandom) -> (bits: [UInt16], wide: [Float]) {
        let bits = random.normal(shape: [m, lda]).scalars.map { Float16($0).bitPattern }
        return (bits, bits.map(HalfStorage.float(fromHalf:)))
    }

    /// C (rows `ldc` = n + 2 apart) of `kernel` on half or Float32 A; C's padding keeps its NaN.
    private func product(_ kernel: Float32Kernel, m: Int, n: Int, k: Int, lda: Int, half: [UInt16]?, wide: [Float],
                         b: [Float], split: Bool = false) -> [Float] {
        let (ldb, ldc) = (n + 5, n + 2)
        var c = [Float](repeating: .nan, count: m * ldc)
        b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            let (b, c) = (bp.baseAddress!, cp.baseAddress!)
            if let half {
                half.withUnsafeBufferPointer { hp in
                    if split {
                        kernel.multiply(m: m, n: n, k: k, aHalf: hp.baseAddress!, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
                    } else {
                        kernel.multiplyOnThisThread(m: m, n: n, k: k, aHalf: hp.baseAddress!, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
                    }
                }
            } else {
                wide.withUnsafeBufferPointer { ap in
                    kernel.multiplyOnThisThread(m: m, n: n, k: k, a: ap.baseAddress!, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
                }
            }
        } }
        for i in 0..<m { for j in n..<ldc { XCTAssertTrue(c[i * ldc + j].isNaN, "\(kernel) wrote outside C at (\(i), \(j))") } }
        return (0..<(m * n)).map { c[($0 / n) * ldc + $0 % n] }
    }

    /// Row tails of both micro-tile heights and of the 8-tile row blocks, column tails, k over
    /// several 256-deep blocks with a remainder, on one thread and split over the cores (the
    /// last over several of `SharedPanels`' slices of k).
    func testEveryKernelEqualsItsProductOfTheWidenedWeightsBitForBit() {
        var random = SeededRandom(seed: 40)
        for (m, n, k) in [(1, 1, 1), (17, 15, 3), (53, 33, 600), (301, 40, 400), (301, 40, 2100)] {
            let lda = k + 3
            let a = halves(m: m, k: k, lda: lda, random: &random)
            let b = random.normal(shape: [k, n + 5]).scalars
            for kernel in kernels {
                let expected = product(kernel, m: m, n: n, k: k, lda: lda, half: nil, wide: a.wide, b: b)
                XCTAssertTrue(product(kernel, m: m, n: n, k: k, lda: lda, half: a.bits, wide: a.wide, b: b) == expected,
                              "\(kernel) \(m)x\(n)x\(k)")
                // OpenBLAS's sums depend on the shape of each part, so only its unsplit product is compared.
                guard kernel != .openblas else { continue }
                XCTAssertTrue(product(kernel, m: m, n: n, k: k, lda: lda, half: a.bits, wide: a.wide, b: b, split: true) == expected,
                              "\(kernel) \(m)x\(n)x\(k), split")
            }
        }
    }

    /// Every half bit pattern (zeros, subnormals, normals, infinities, NaNs) widens as
    /// `HalfStorage` widens it, on the SIMD kernels' F16C path and the portable one: a
    /// `[65536, 1]` A times 1.
    func testEveryHalfBitPatternWidensExactly() {
        let bits = (0...UInt16.max).map { $0 }
        let wide = bits.map(HalfStorage.float(fromHalf:))
        let one: [Float] = [1, 0, 0, 0, 0, 0]
        for kernel in kernels {
            let viaHalf = product(kernel, m: bits.count, n: 1, k: 1, lda: 1, half: bits, wide: wide, b: one)
            let viaWide = product(kernel, m: bits.count, n: 1, k: 1, lda: 1, half: nil, wide: wide, b: one)
            for i in bits.indices where viaHalf[i].bitPattern != viaWide[i].bitPattern {
                XCTFail("\(kernel): half 0x\(String(bits[i], radix: 16)) gave \(viaHalf[i]) against \(viaWide[i])")
                break
            }
        }
    }

    /// A half-precision product asked of a SIMD kernel runs that kernel's code.
    func testEachKernelRunsItsOwnCodeOnHalves() throws {
        var random = SeededRandom(seed: 41)
        let a = halves(m: 20, k: 9, lda: 9, random: &random)
        let b = random.normal(shape: [9, 26]).scalars
        for kernel in kernels where kernel != .openblas {
            let before = try XCTUnwrap(kernel.runs)
            _ = product(kernel, m: 20, n: 21, k: 9, lda: 9, half: a.bits, wide: a.wide, b: b)
            XCTAssertEqual(try XCTUnwrap(kernel.runs), before + 1, "\(kernel)")
        }
    }

    /// `conv2d(halfWeights:)`: direct products on noisebook's kernel and Winograd transforms
    /// made for one call read the halves (the Float32 route is never asked for) and give the
    /// widened weights' output bit for bit; filling a kept transform and OpenBLAS-wide products
    /// take the Float32 route.
    func testConvolutionReadsHalvesExceptToFillAKeptTransformOrForOpenBLAS() throws {
        var random = SeededRandom(seed: 42)
        let bits = random.normal(shape: [8, 6, 3, 3]).scalars.map { Float16($0 * 0.2).bitPattern }
        let w = Tensor(shape: [8, 6, 3, 3], scalars: bits.map(HalfStorage.float(fromHalf:)))
        let bias = random.normal(shape: [8])
        // 8x8: direct; 32x32 and 64x64: F(2x2) and F(4x4) made per call; 16x16 with a cache:
        // the kept F(2x2) is filled; 8x8 at batch 20: 64 columns an image (1,280 in all), still
        // noisebook's kernel, which is chosen by one image's columns; direct at 40x40: 1,600
        // columns an image, OpenBLAS.
        for (batch, side, cached, algorithm, readsHalves) in [(2, 8, false, ConvolutionAlgorithm.automatic, true),
                                                              (1, 32, false, .automatic, true), (1, 64, false, .automatic, true),
                                                              (1, 16, true, .automatic, false), (20, 8, false, .automatic, true),
                                                              (1, 40, false, .direct, false)] {
            let x = random.normal(shape: [batch, 6, side, side])
            let cache = cached ? WinogradWeightCache(halfWeights: true) : nil
            var widenings = 0
            let out = try bits.withUnsafeBufferPointer { hp in
                try x.conv2d(halfWeights: hp.baseAddress!, weightShape: w.shape, bias: bias, padding: 1, algorithm: algorithm,
                             winogradCache: cache) { body in
                    widenings += 1
                    return try w.scalars.withUnsafeBufferPointer { try body($0.baseAddress!) }
                }
            }
            let label = "batch \(batch), \(side)x\(side)\(cached ? ", cached" : "")"
            XCTAssertEqual(widenings, readsHalves ? 0 : 1, label)
            XCTAssertEqual(cache?.isFilled, cached ? true : nil, label)
            let expected = try w.scalars.withUnsafeBufferPointer {
                try x.conv2d(weights: $0.baseAddress!, weightShape: w.shape, bias: bias, padding: 1, algorithm: algorithm,
                             winogradCache: cached ? WinogradWeightCache(halfWeights: true) : nil)
            }
            XCTAssertEqual(out, expected, label)
        }
    }
}

final class HalfLinearTests: XCTestCase {
    func testHalfLinearEqualsTheKernelsProductOfTheWidenedWeights() throws {
        var random = SeededRandom(seed: 43)
        let (inFeatures, outFeatures) = (70, 45)
        let bits = random.normal(shape: [outFeatures, inFeatures]).scalars.map { Float16($0 * 0.1).bitPattern }
        let w = Tensor(shape: [outFeatures, inFeatures], scalars: bits.map(HalfStorage.float(fromHalf:)))
        let bias = random.normal(shape: [outFeatures])
        for kernel in Float32Kernel.allCases where kernel.isRunnable && kernel != .openblas {
            // Chosen by the rows of one item (`halfLinearMaximumRows`), not of the batch.
            for (batch, tokens, readsHalves) in [(1, 77, true), (2, 5, true), (2, 64, true), (6, 77, true), (1, 129, false),
                                                 (2, 600, false)] {
                let x = random.normal(shape: [batch, tokens, inFeatures])
                var widenings = 0
                let y = try bits.withUnsafeBufferPointer { hp in
                    try x.linear(halfWeights: hp.baseAddress!, weightShape: w.shape, bias: bias, kernel: kernel) { body in
                        widenings += 1
                        return try w.scalars.withUnsafeBufferPointer { try body($0.baseAddress!) }
                    }
                }
                XCTAssertEqual(y.shape, [batch, tokens, outFeatures])
                XCTAssertEqual(widenings, readsHalves ? 0 : 1, "\(kernel) \(batch)x\(tokens)")
                let reference = try x.linear(weight: w, bias: bias)
                if readsHalves {
                    // W x^T on the same kernel from the Float32 weights, transposed back, plus the bias.
                    let rows = batch * tokens
                    var columns = [Float](repeating: 0, count: outFeatures * rows)
                    let xt = (0..<(inFeatures * rows)).map { x.scalars[($0 % rows) * inFeatures + $0 / rows] }
                    w.scalars.withUnsafeBufferPointer { wp in xt.withUnsafeBufferPointer { tp in columns.withUnsafeMutableBufferPointer { cp in
                        kernel.multiply(m: outFeatures, n: rows, k: inFeatures, a: wp.baseAddress!, lda: inFeatures,
                                        b: tp.baseAddress!, ldb: rows, c: cp.baseAddress!, ldc: rows)
                    } } }
                    let expected = (0..<(rows * outFeatures)).map { columns[($0 % outFeatures) * rows + $0 / outFeatures] + bias.scalars[$0 % outFeatures] }
                    XCTAssertTrue(y.scalars == expected, "\(kernel) \(batch)x\(tokens): bit for bit the kernel's product")
                    // And OpenBLAS's x W^T to Float32 rounding (sums of 70 terms of size about 0.1).
                    XCTAssertLessThan(maxAbsDifference(Array(y.scalars), Array(reference.scalars)), 1e-5, "\(kernel)")
                } else {
                    XCTAssertEqual(y, reference, "\(kernel) \(batch)x\(tokens): the widened weights' own path")
                }
            }
        }
    }
}
