import Foundation
import Tensor
import XCTest
@testable import DeepFloyd
import NN
import Diffusion
import TestSupport

/// The fast kernels the IF UNet runs on, each against a plain reference computed here in
/// Double: Winograd convolution, the fused group norm, the vectorised GELU and softmax,
/// and half-precision weight residency.
final class IFKernelTests: XCTestCase {
    func testWinogradMatchesDirectConvolution() throws {
        var random = SeededRandom(seed: 3)
        // Odd and even sides, wider than eight tiles: partial tiles at the right and bottom edges must be cut.
        for (h, w) in [(8, 8), (7, 5), (16, 12), (9, 37)] {
            let x = random.normal(shape: [2, 12, h, w])
            let weight = random.normal(shape: [10, 12, 3, 3]) * (1 / Float(12 * 9).squareRoot())
            let bias = random.normal(shape: [10])
            let reference = referenceConvolution3x3(x, weight, bias: bias)
            let direct = try x.conv2d(weight: weight, bias: bias, padding: 1, algorithm: .direct)
            let scale = reference.map(abs).max() ?? 1
            let directError = maxAbsDifference(direct.scalars.map(Double.init), reference)
            // Float32 rounding over 108-term sums: every algorithm within 1e-5 of the output's
            // scale; Winograd's extra additions cost at most a few times direct's error.
            XCTAssertLessThan(directError, 1e-5 * scale, "\(h)x\(w): direct error \(directError)")
            for tile in WinogradTile.allCases {
                let winograd = try x.conv2d(weight: weight, bias: bias, padding: 1, algorithm: .winograd(tile))
                XCTAssertEqual(winograd.shape, [2, 10, h, w])
                let winogradError = maxAbsDifference(winograd.scalars.map(Double.init), reference)
                XCTAssertLessThan(winogradError, 1e-5 * scale, "\(h)x\(w) \(tile): Winograd error \(winogradError)")
            }
        }
    }

    func testFusedGroupNormMatchesDefinition() throws {
        var random = SeededRandom(seed: 4)
        let (batch, channels, spatial, groups) = (2, 8, 20, 4)
        // A large mean on purpose: the variance must not cancel.
        let x = random.normal(shape: [batch, channels, 4, 5]) + 50
        let gamma = random.normal(shape: [channels]), beta = random.normal(shape: [channels])
        let modulation = random.normal(shape: [batch, 2 * channels]) * 0.1
        let out = try x.groupNormalized(groups: groups, eps: 1e-5, weight: gamma, bias: beta,
                                        scaleShift: modulation, activation: .gelu)
        let perGroup = channels / groups
        var worst = 0.0
        for b in 0..<batch {
            for g in 0..<groups {
                let values = (0..<perGroup).flatMap { j in
                    (0..<spatial).map { Double(x.scalars[(b * channels + g * perGroup + j) * spatial + $0]) }
                }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
                for j in 0..<perGroup {
                    let c = g * perGroup + j
                    for i in 0..<spatial {
                        let v = (Double(x.scalars[(b * channels + c) * spatial + i]) - mean) / (variance + 1e-5).squareRoot()
                        let affine = v * Double(gamma.scalars[c]) + Double(beta.scalars[c])
                        let modulated = affine * (1 + Double(modulation.scalars[b * 2 * channels + c]))
                            + Double(modulation.scalars[b * 2 * channels + channels + c])
                        let expected = 0.5 * modulated * (1 + Foundation.erf(modulated / 2.0.squareRoot()))
                        worst = max(worst, abs(expected - Double(out.scalars[(b * channels + c) * spatial + i])))
                    }
                }
            }
        }
        // Outputs are O(1). Float32 holds a mean near 50 to within its spacing there,
        // 3.8e-6, and the normalised value inherits that error times |scale| (about 3
        // here): 3e-5 bounds it; the erf approximation adds under 1e-6.
        XCTAssertLessThan(worst, 3e-5)
    }

    func testVectorisedGELUAndSoftmaxMatchLibm() {
        let xs = stride(from: Float(-12), through: 12, by: 0.01).map { $0 }
        let gelu = Tensor(shape: [xs.count], scalars: xs).gelu()
        var geluError = 0.0
        for (x, y) in zip(xs, gelu.scalars) {
            let d = Double(x)
            let exact = 0.5 * d * (1 + Foundation.erf(d / 2.0.squareRoot()))
            geluError = max(geluError, abs(Double(y) - exact))
        }
        // erf approximated to 1.5e-7 absolute, times |x| / 2 <= 6.
        XCTAssertLessThan(geluError, 2e-6)
        let row = Tensor(shape: [1, xs.count], scalars: xs).softmaxLastAxis()
        var total = 0.0
        for x in xs { total += exp(Double(x) - 12) }
        var softmaxError = 0.0
        for (x, y) in zip(xs, row.scalars) {
            let exact = exp(Double(x) - 12) / total
            softmaxError = max(softmaxError, abs(Double(y) - exact) / exact)
        }
        // Relative error per probability: a few Float32 ulps.
        XCTAssertLessThan(softmaxError, 1e-5)
    }

    func testHalfResidencyGivesTheSameOutputAsWidening() throws {
        let inputs = try TestSafetensors.read(try Fixtures.data("tiny-b", "inputs.safetensors"))
        let config = try Fixtures.data("tiny-b", "config.json")
        let weights = try TestSafetensors.read(try Fixtures.data("tiny-b", "diffusion_pytorch_model.fp16.safetensors"))
        // The fixture's values are fp16-exact, so rounding them back to half is lossless.
        let halves = HalfDictionary(weights)
        let x = try XCTUnwrap(inputs["x"]), text = try XCTUnwrap(inputs["encoder_hidden_states"])
        let parsed = try UNetConfig(json: config)
        let widened = try IFUNet(config: parsed, weights: halves, residency: .float32)
        // Every tensor kept half, however small, so that the tiny model exercises the path.
        let kept = try IFUNet(config: parsed, loader: WeightLoader(halves, keepHalf: true, smallTensorLimit: 0))
        XCTAssertLessThan(kept.weightByteCount, widened.weightByteCount * 3 / 4, "large tensors stay two bytes per value")
        let a = try widened.forward(x, timesteps: [1, 500], encoderHiddenStates: text)
        let b = try kept.forward(x, timesteps: [1, 500], encoderHiddenStates: text)
        // The same Float32 values reach the arithmetic either way, but not always the same
        // algorithm: Float32-resident layers keep F(4x4) transforms from 16x16 up, half-resident
        // ones keep F(2x2) at 16x16 and transform on every call above (ConvolutionPolicy). So
        // the outputs agree to Winograd's rounding, not bit for bit; a widening mistake would
        // be off by far more.
        let scale = a.scalars.map(abs).max() ?? 1
        let worst = maxAbsDifference(Array(a.scalars), Array(b.scalars))
        XCTAssertLessThan(worst, 2e-5 * scale, "largest difference \(worst) of \(scale)")
    }

    func testTensorShapesListEveryCheckpointTensor() throws {
        let config = try UNetConfig(json: try Fixtures.data("tiny-a", "config.json"))
        let weights = try TestSafetensors.read(try Fixtures.data("tiny-a", "diffusion_pytorch_model.safetensors"))
        let listed = try IFUNet.tensorShapes(config: config)
        XCTAssertEqual(Set(listed.map(\.name)), Set(weights.keys))
        for (name, shape) in listed { XCTAssertEqual(weights[name]?.shape, shape, name) }
    }

    /// Products large enough for `Tensor.gemm` to cut them into per-core parts, split by
    /// rows (m > n) and by columns (m <= n), every transpose combination, against Double.
    func testSplitGEMMMatchesReference() throws {
        var random = SeededRandom(seed: 31)
        for (m, n, k) in [(150, 70, 300), (70, 150, 300), (33, 97, 1024)] {
            XCTAssertGreaterThanOrEqual(m * n * k, 1 << 21, "too small to be split")
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = random.normal(shape: ta ? [k, m] : [m, k]).scalars
                let b = random.normal(shape: tb ? [n, k] : [k, n]).scalars
                var c = random.normal(shape: [m, n]).scalars
                let c0 = c
                let (lda, ldb) = (ta ? m : k, tb ? k : n)
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            Tensor.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5,
                                        a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                                        beta: 2, c: cp.baseAddress!, ldc: n)
                        }
                    }
                }
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var s = 0.0
                        for p in 0..<k {
                            s += Double(ta ? a[p * m + i] : a[i * k + p]) * Double(tb ? b[j * k + p] : b[p * n + j])
                        }
                        worst = max(worst, abs(0.5 * s + 2 * Double(c0[i * n + j]) - Double(c[i * n + j])))
                    }
                }
                // Float32 accumulation over k ~ 1e3 unit-variance products: ~1e-5 relative to sqrt(k).
                XCTAssertLessThan(worst, 1e-4 * Double(k).squareRoot(), "\(m)x\(n)x\(k) transposes \(ta) \(tb)")
            }
        }
    }
}

/// Float32 tensors served also as half precision, like an fp16 checkpoint.
private struct HalfDictionary: HalfTensorProvider {
    let tensors: TensorDictionary
    init(_ values: [String: Tensor]) { tensors = TensorDictionary(values) }
    var names: [String] { tensors.names }
    func shape(of name: String) -> [Int]? { tensors.shape(of: name) }
    func tensor(named name: String) throws -> Tensor { try tensors.tensor(named: name) }
    func halfStorage(named name: String) throws -> HalfStorage? {
        HalfStorage(bits: try tensor(named: name).scalars.map { Float16($0).bitPattern })
    }
}
