import Foundation
import XCTest
@testable import Tensor

/// CVector's affine map and activations (what every group normalisation, GELU and SiLU
/// run): each kernel this CPU runs against the definitions in Double, every kernel bit for
/// bit the portable one, and each proven to have run.
final class VectorKernelTests: XCTestCase {
    func testEveryKernelsMapMatchesTheDefinitionAndThePortableKernelBitForBit() {
        // A ramp over both signs with a ragged tail after whole 16- and 8-value vectors; past
        // +-12 GELU is x or 0 and SiLU's e^-x saturates, so both ends are covered.
        let xs = stride(from: Float(-14), through: 14, by: 0.0137).map { $0 }
        let (mean, scale, shift): (Float, Float, Float) = (0.25, 1.5, -0.125)
        func exactGELU(_ z: Double) -> Double { 0.5 * z * (1 + Foundation.erf(z / 2.0.squareRoot())) }
        func exactSiLU(_ z: Double) -> Double { z / (1 + Foundation.exp(-z)) }
        for activation in [PointwiseActivation.identity, .gelu, .silu] {
            var results: [Float32Kernel: [Float]] = [:]
            for kernel in Float32Kernel.allCases where kernel.isRunnable {
                let before = kernel.vectorRuns
                var out = [Float](repeating: .nan, count: xs.count)
                xs.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer { y in
                        ChannelAffine.apply(mean: mean, scale: scale, shift: shift, activation: activation,
                                            x.baseAddress!, y.baseAddress!, count: xs.count, kernel: kernel)
                    }
                }
                XCTAssertEqual(kernel.vectorRuns, before + 1, "\(kernel)'s own code ran")
                results[kernel] = out
                for (x, y) in zip(xs, out) {
                    let z = (Double(x) - Double(mean)) * Double(scale) + Double(shift)
                    switch activation {
                    case .identity:
                        // Two Float32 roundings of a value of order 20.
                        XCTAssertEqual(Double(y), z, accuracy: 4e-6, "\(kernel) at \(x)")
                    case .gelu:
                        // erf to 1.5e-7 absolute, times |z| / 2 <= 11, and z's own rounding.
                        XCTAssertEqual(Double(y), exactGELU(z), accuracy: 4e-6, "\(kernel) at \(x)")
                    case .silu:
                        XCTAssertEqual(Double(y), exactSiLU(z), accuracy: 4e-6, "\(kernel) at \(x)")
                    }
                }
            }
            for (kernel, values) in results {
                XCTAssertTrue(values == results[.portable], "\(kernel) and the portable kernel differ on \(activation)")
            }
        }
    }
}
