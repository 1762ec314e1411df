import TestSupport
import XCTest
@testable import Tensor

/// Convolutions and linear layers with bf16 products against their Float32 selves: the
/// measurement behind keeping F(4x4, 3x3) out of the bf16 path.
final class BFloat16ConvolutionTests: XCTestCase {
    private func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        maxAbsDifference(Array(a.scalars), Array(b.scalars)) / (b.scalars.map(abs).max() ?? 1)
    }

    func testEachAlgorithmsErrorInBFloat16() throws {
        var random = SeededRandom(seed: 3)
        let x = random.normal(shape: [2, 32, 32, 32])
        let w = random.normal(shape: [48, 32, 3, 3]) * (1 / Float(32 * 9).squareRoot())
        let reference = try x.conv2d(weight: w, bias: nil, padding: 1, algorithm: .direct)
        for kernel in BFloat16Kernel.allCases where kernel.isRunnable {
            let packed = w.scalars.withUnsafeBufferPointer { BFloat16ConvWeights($0.baseAddress!, shape: w.shape, kernel: kernel) }
            let direct = relativeError(try x.conv2d(bfloat16: packed, bias: nil, padding: 1, algorithm: .direct), reference)
            let f2 = relativeError(try x.conv2d(bfloat16: packed, bias: nil, padding: 1, algorithm: .winograd(.f2x2)), reference)
            let f4 = relativeError(try x.conv2d(bfloat16: packed, bias: nil, padding: 1, algorithm: .winograd(.f4x4)), reference)
            // Measured: direct 0.2%, F(2x2) 0.4%, F(4x4) 6%: bf16's 2^-9 times F(4x4)'s
            // transform constants. So bf16 layers never choose F(4x4) (ConvolutionPolicy).
            XCTAssertLessThan(direct, 0.005, "\(kernel) direct")
            XCTAssertLessThan(f2, 0.01, "\(kernel) F(2x2)")
            XCTAssertGreaterThan(f4, 0.02, "\(kernel): F(4x4) in bf16 is as inaccurate as measured")
            let automatic = try x.conv2d(bfloat16: packed, bias: nil, padding: 1)
            XCTAssertEqual(automatic, try x.conv2d(bfloat16: packed, bias: nil, padding: 1, algorithm: .winograd(.f2x2)),
                           "\(kernel): 32x32 takes F(2x2) in bf16")
        }
        XCTAssertEqual(ConvolutionPolicy.automatic.tile(height: 64, width: 64, weights: .kept, bfloat16: true), .f2x2)
        XCTAssertEqual(ConvolutionPolicy.forced(.f4x4).tile(height: 64, width: 64, weights: .kept, bfloat16: true), .f2x2)
    }

    func testPointwiseConvolutionAndLinearInBFloat16() throws {
        var random = SeededRandom(seed: 4)
        let x = random.normal(shape: [2, 32, 8, 8])
        let w = random.normal(shape: [16, 32, 1, 1]) * 0.18
        let bias = random.normal(shape: [16])
        let reference = try x.conv2d(weight: w, bias: bias, padding: 0)
        let tokens = random.normal(shape: [2, 77, 64])
        let lw = random.normal(shape: [96, 64]) * 0.125, lb = random.normal(shape: [96])
        let linear = try tokens.linear(weight: lw, bias: lb)
        for kernel in BFloat16Kernel.allCases where kernel.isRunnable {
            let packed = w.scalars.withUnsafeBufferPointer { BFloat16ConvWeights($0.baseAddress!, shape: w.shape, kernel: kernel) }
            XCTAssertLessThan(relativeError(try x.conv2d(bfloat16: packed, bias: bias, padding: 0), reference), 0.01, "\(kernel)")
            let matrix = lw.scalars.withUnsafeBufferPointer { BFloat16Matrix($0.baseAddress!, rows: 96, columns: 64, rowStride: 64) }
            let y = try tokens.linear(bfloat16: matrix, kernel: kernel, bias: lb)
            XCTAssertEqual(y.shape, [2, 77, 96])
            XCTAssertLessThan(relativeError(y, linear), 0.01, "\(kernel) linear")
        }
    }
}
