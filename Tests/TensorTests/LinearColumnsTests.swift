import Foundation
import TestSupport
import XCTest
@testable import Tensor

/// `linearColumns`, the fully connected layer on channel-major tokens `[B, in, L]` that the
/// UNet's attention calls: against its definition in Double on every Float32 kernel, and its
/// half-precision and bf16 forms against the products they stand for.
final class LinearColumnsTests: XCTestCase {
    private let kernels = Float32Kernel.allCases.filter(\.isRunnable)

    /// W x + b for each item's columns, in Double: `[B, out, L]`.
    private func reference(_ x: Tensor, weight: [Float], out: Int, bias: [Float]) -> [Double] {
        let (batch, inFeatures, tokens) = (x.shape[0], x.shape[1], x.shape[2])
        var y = [Double](repeating: 0, count: batch * out * tokens)
        for b in 0..<batch {
            for o in 0..<out {
                for t in 0..<tokens {
                    y[(b * out + o) * tokens + t] = (0..<inFeatures).reduce(Double(bias[o])) { sum, i in
                        sum + Double(weight[o * inFeatures + i]) * Double(x.scalars[(b * inFeatures + i) * tokens + t])
                    }
                }
            }
        }
        return y
    }

    /// A ragged panel of tokens, k over two 256-deep blocks, one item and two, a single token.
    private let shapes = [(batch: 2, inFeatures: 40, out: 13, tokens: 37), (1, 300, 24, 64), (3, 5, 7, 1)]

    func testEveryKernelComputesTheLayerOnEachItemsColumns() throws {
        var random = SeededRandom(seed: 61)
        for (batch, inFeatures, out, tokens) in shapes {
            let x = random.normal(shape: [batch, inFeatures, tokens])
            let w = random.normal(shape: [out, inFeatures]), bias = random.normal(shape: [out])
            let exact = reference(x, weight: w.scalars, out: out, bias: bias.scalars)
            for kernel in kernels {
                let y = try w.scalars.withUnsafeBufferPointer { wp in
                    try x.linearColumns(weights: wp.baseAddress!, weightShape: [out, inFeatures], bias: bias, kernel: kernel)
                }
                XCTAssertEqual(y.shape, [batch, out, tokens])
                // Sums of up to 300 products of order-1 values: Float32 stays within 1e-4 of exact.
                let worst = zip(y.scalars, exact).map { abs(Double($0) - $1) }.max() ?? .infinity
                XCTAssertLessThan(worst, 1e-4, "\(kernel) \(batch)x\(inFeatures)x\(tokens) -> \(out)")
            }
        }
    }

    func testHalfWeightsGiveTheProductOfTheWidenedWeightsBitForBit() throws {
        var random = SeededRandom(seed: 62)
        for (batch, inFeatures, out, tokens) in shapes {
            let x = random.normal(shape: [batch, inFeatures, tokens]), bias = random.normal(shape: [out])
            let bits = random.normal(shape: [out, inFeatures]).scalars.map { Float16($0).bitPattern }
            let wide = bits.map(HalfStorage.float(fromHalf:))
            for kernel in kernels {
                let expected = try wide.withUnsafeBufferPointer { wp in
                    try x.linearColumns(weights: wp.baseAddress!, weightShape: [out, inFeatures], bias: bias, kernel: kernel)
                }
                var widenedCalls = 0
                let y = try bits.withUnsafeBufferPointer { hp in
                    try x.linearColumns(halfWeights: hp.baseAddress!, weightShape: [out, inFeatures], bias: bias, kernel: kernel) { body in
                        widenedCalls += 1
                        return try wide.withUnsafeBufferPointer { try body($0.baseAddress!) }
                    }
                }
                XCTAssertTrue(y.scalars == expected.scalars, "\(kernel) \(batch)x\(inFeatures)x\(tokens) -> \(out)")
                // Only OpenBLAS, which reads no halves, needs the widened copy.
                XCTAssertEqual(widenedCalls, kernel == .openblas ? 1 : 0, "\(kernel)")
            }
        }
    }

    func testBFloat16WeightsGiveTheRowFormsValuesBitForBit() throws {
        var random = SeededRandom(seed: 63)
        for kernel in BFloat16Kernel.allCases where kernel.isRunnable {
            for (batch, inFeatures, out, tokens) in shapes {
                let x = random.normal(shape: [batch, inFeatures, tokens]), bias = random.normal(shape: [out])
                let w = random.normal(shape: [out, inFeatures])
                let packed = w.scalars.withUnsafeBufferPointer {
                    BFloat16Matrix($0.baseAddress!, rows: out, columns: inFeatures, rowStride: inFeatures)
                }
                let columns = try x.linearColumns(bfloat16: packed, kernel: kernel, bias: bias)
                // The same layer on token rows: [B, L, in] -> [B, L, out], transposed back.
                let rows = try x.transposedLastTwo().linear(bfloat16: packed, kernel: kernel, bias: bias).transposedLastTwo()
                XCTAssertTrue(columns.scalars == rows.scalars, "\(kernel) \(batch)x\(inFeatures)x\(tokens) -> \(out)")
            }
        }
    }

    func testAMismatchedWeightIsAnErrorNamingBothShapes() {
        let x = Tensor(shape: [1, 4, 3], scalars: [Float](repeating: 1, count: 12))
        let w = [Float](repeating: 1, count: 10)
        XCTAssertThrowsError(try w.withUnsafeBufferPointer {
            try x.linearColumns(weights: $0.baseAddress!, weightShape: [2, 5], bias: nil)
        }) { error in
            XCTAssertTrue("\(error)".contains("[1, 4, 3]") && "\(error)".contains("[2, 5]"), "\(error)")
        }
    }
}
