import TestSupport
import XCTest
@testable import Tensor

/// A group norm handed to the convolution after it (`groupNormAffine` + `conv2d(...,
/// inputAffine:)`) computes what normalising first and convolving after computes.
final class ChannelAffineTests: XCTestCase {
    private func normInputs(batch: Int, channels: Int, height: Int, width: Int, seed: UInt64)
        -> (x: Tensor, gamma: Tensor, beta: Tensor, modulation: Tensor) {
        var random = SeededRandom(seed: seed)
        let x = random.normal(shape: [batch, channels, height, width]) * 3 + 2
        return (x, random.normal(shape: [channels]), random.normal(shape: [channels]),
                random.normal(shape: [batch, 2 * channels]) * 0.2)
    }

    func testAppliedEqualsGroupNormalizedBitForBit() throws {
        let (x, gamma, beta, modulation) = normInputs(batch: 2, channels: 12, height: 5, width: 7, seed: 51)
        for activation in [PointwiseActivation.identity, .silu, .gelu] {
            let affine = try x.groupNormAffine(groups: 4, eps: 1e-5, weight: gamma, bias: beta,
                                               scaleShift: modulation, activation: activation)
            let normalized = try x.groupNormalized(groups: 4, eps: 1e-5, weight: gamma, bias: beta,
                                                   scaleShift: modulation, activation: activation)
            XCTAssertEqual(try affine.applied(to: x).scalars, normalized.scalars, "\(activation)")
        }
    }

    /// Every algorithm, kept and transformed-per-call Winograd weights, and both precisions.
    /// Rows a multiple of eight wide are mapped eight values at a time both ways: identical
    /// bits. Other widths map their tails one value at a time, where the fast exp's scalar and
    /// vector forms may differ in the last bit: within Float32 rounding of the output.
    func testConvolutionReadingThroughTheMapEqualsConvolvingTheNormalisedInput() throws {
        for (height, width) in [(16, 16), (13, 11)] {
            let (x, gamma, beta, modulation) = normInputs(batch: 2, channels: 16, height: height, width: width, seed: 52)
            var random = SeededRandom(seed: 53)
            let weight = random.normal(shape: [24, 16, 3, 3]) * 0.1, bias = random.normal(shape: [24])
            let affine = try x.groupNormAffine(groups: 4, eps: 1e-5, weight: gamma, bias: beta,
                                               scaleShift: modulation, activation: .silu)
            let normalized = try affine.applied(to: x)
            let algorithms: [ConvolutionAlgorithm] = [.direct, .winograd(.f2x2), .winograd(.f4x4)]
            for algorithm in algorithms {
                for cached in [false, true] {
                    let (fused, separate) = try weight.scalars.withUnsafeBufferPointer { wp in
                        (try x.conv2d(weights: wp.baseAddress!, weightShape: weight.shape, bias: bias, padding: 1,
                                      algorithm: algorithm, winogradCache: cached ? WinogradWeightCache() : nil, inputAffine: affine),
                         try normalized.conv2d(weights: wp.baseAddress!, weightShape: weight.shape, bias: bias, padding: 1,
                                               algorithm: algorithm, winogradCache: cached ? WinogradWeightCache() : nil))
                    }
                    check(fused, separate, exact: width % 8 == 0, "\(height)x\(width) \(algorithm) cached \(cached)")
                }
            }
            let bf16 = weight.scalars.withUnsafeBufferPointer {
                BFloat16ConvWeights($0.baseAddress!, shape: weight.shape, kernel: .portable)
            }
            for algorithm in algorithms {
                let fused = try x.conv2d(bfloat16: bf16, bias: bias, padding: 1, algorithm: algorithm, inputAffine: affine)
                let separate = try normalized.conv2d(bfloat16: bf16, bias: bias, padding: 1, algorithm: algorithm)
                check(fused, separate, exact: width % 8 == 0, "bf16 \(height)x\(width) \(algorithm)")
            }
        }
    }

    private func check(_ fused: Tensor, _ separate: Tensor, exact: Bool, _ label: String) {
        XCTAssertEqual(fused.shape, separate.shape, label)
        if exact {
            XCTAssertEqual(fused.scalars, separate.scalars, label)
        } else {
            let largest = separate.scalars.map(abs).max() ?? 1
            let worst = maxAbsDifference(Array(fused.scalars), Array(separate.scalars))
            XCTAssertLessThan(worst / largest, 1e-5, label)
        }
    }

    func testAMapForAnotherShapeIsAnError() throws {
        let (x, gamma, beta, _) = normInputs(batch: 2, channels: 8, height: 8, width: 8, seed: 54)
        let affine = try x.groupNormAffine(groups: 2, eps: 1e-5, weight: gamma, bias: beta)
        var random = SeededRandom(seed: 55)
        let single = random.normal(shape: [1, 8, 8, 8]), weight = random.normal(shape: [4, 8, 3, 3])
        try weight.scalars.withUnsafeBufferPointer { wp in
            XCTAssertThrowsError(try single.conv2d(weights: wp.baseAddress!, weightShape: weight.shape, bias: nil, padding: 1,
                                                   inputAffine: affine)) { error in
                XCTAssertTrue("\(error)".contains("conv2d input affine"), "\(error)")
            }
            XCTAssertNoThrow(try x.conv2d(weights: wp.baseAddress!, weightShape: weight.shape, bias: nil, padding: 1,
                                          inputAffine: affine))
        }
        XCTAssertThrowsError(try affine.applied(to: single))
    }
}
