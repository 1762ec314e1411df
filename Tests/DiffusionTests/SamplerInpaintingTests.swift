import XCTest
import Diffusion
import Tensor
import TestSupport

/// Inpainting (A.5): the constraint step, and that pixels outside the mask end exactly as
/// they were.
final class SamplerInpaintingTests: XCTestCase {
    static let (side, batch) = (32, 2)
    let schedule = NoiseSchedule.squaredCosine()
    let prompt = Condition(prompt: "a tower")
    let empty = Condition(prompt: "")

    func sampler() throws -> Sampler {
        let (s, shape) = (Self.side, [3, Self.side, Self.side])
        var random = SeededRandom(seed: 4)
        let mean = Tensor(shape: shape) { _ in Float(random.nextUniform()) - 0.5 }
        return try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: [
            "a tower": .init(mean: mean, deviation: 0.3),
            "": GaussianDenoiser.uniform(mean: 0, deviation: 0.6, height: s, width: s),
        ]))
    }

    /// An original in [-1, 1] and a mask that is 1 on rows 4..<20, columns 6..<26 (`[1, 1, S, S]`).
    func originalAndMask() -> (original: Tensor, mask: Tensor) {
        var random = SeededRandom(seed: 5)
        let side = Self.side
        let original = Tensor(shape: [Self.batch, 3, side, side]) { _ in Float(2 * random.nextUniform()) - 1 }
        let mask = Tensor(shape: [1, 1, side, side]) { i in
            let (r, c) = (i / side, i % side)
            return (4..<20).contains(r) && (6..<26).contains(c) ? 1 : 0
        }
        return (original, mask)
    }

    /// Whether element `i` of a `[B, 3, S, S]` tensor lies where the mask is 1.
    func masked(_ i: Int, _ mask: Tensor) -> Bool {
        mask.scalars[i % (Self.side * Self.side)] == 1
    }

    func testInpaintLeavesUnmaskedPixelsEqualToTheOriginal() throws {
        let sampler = try sampler()
        let (original, mask) = originalAndMask()
        var random = SeededRandom(seed: 6)
        let result = try sampler.inpaint(original: original, mask: mask, condition: prompt, unconditional: empty,
                                         guidance: 7, random: &random)
        XCTAssertEqual(result.shape, original.shape)
        var largestChange: Float = 0
        for i in 0..<result.count {
            if masked(i, mask) {
                largestChange = max(largestChange, abs(result.scalars[i] - original.scalars[i]))
            } else {
                XCTAssertEqual(result.scalars[i], original.scalars[i], "unmasked element \(i) is the original, exactly")
            }
        }
        // Inside the mask the content is new: the original is uniform on [-1, 1] and the
        // model's law has means in [-0.5, 0.5], so some pixel moves by far more than 0.1.
        XCTAssertGreaterThan(largestChange, 0.1, "the masked region is repainted")
    }

    func testMaskShapesThatBroadcastAreAcceptedAndOthersRejected() throws {
        let sampler = try sampler()
        let (original, mask) = originalAndMask()
        for shape in [[Self.side, Self.side], [1, 3, Self.side, Self.side], [Self.batch, 1, Self.side, Self.side]] {
            let plane = Self.side * Self.side
            let repeated = Tensor(shape: shape) { i in mask.scalars[i % plane] }
            XCTAssertNoThrow(try sampler.inpaintingStep(original: original, mask: repeated), "mask \(shape)")
        }
        for shape in [[Self.side / 2, Self.side / 2], [2, Self.batch, 3, Self.side, Self.side]] {
            XCTAssertThrowsError(try sampler.inpaintingStep(original: original, mask: Tensor(zeros: shape)), "mask \(shape)") { error in
                guard case DiffusionError.invalidInput(let what, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(what, "inpaint mask")
            }
        }
    }

    func testConstraintStepIsA5() throws {
        let sampler = try sampler()
        let (original, mask) = originalAndMask()
        let constrain = try sampler.inpaintingStep(original: original, mask: mask)
        var random = SeededRandom(seed: 7)
        let x = random.normal(shape: original.shape)

        // At t' = 510, outside the mask: forward(x_orig, t') = sqrt(abar) x_orig + sqrt(1 - abar) eps,
        // so the standardised residual is N(0, 1) over the n unmasked elements: mean within
        // 5 / sqrt(n), variance within 5 sqrt(2 / (n - 1)). Inside the mask: x untouched.
        let t = 510
        let a = Double(schedule.alphaBar(t))
        let step = try constrain(x, t, &random)
        var residuals = [Double]()
        for i in 0..<x.count {
            if masked(i, mask) {
                XCTAssertEqual(step.scalars[i], x.scalars[i], "masked element \(i) keeps the sample")
            } else {
                residuals.append((Double(step.scalars[i]) - a.squareRoot() * Double(original.scalars[i])) / (1 - a).squareRoot())
            }
        }
        let n = Double(residuals.count)
        let mean = residuals.reduce(0, +) / n
        let variance = residuals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        XCTAssertEqual(mean, 0, accuracy: 5 / n.squareRoot())
        XCTAssertEqual(variance, 1, accuracy: 5 * (2 / (n - 1)).squareRoot())

        // At t' = 0 the original itself, not forward(x_orig, 0), which would keep noise of
        // std sqrt(1 - abar_0) (about 0.006) on the kept pixels.
        let last = try constrain(x, 0, &random)
        for i in 0..<x.count {
            XCTAssertEqual(last.scalars[i], masked(i, mask) ? x.scalars[i] : original.scalars[i], "element \(i) at t' = 0")
        }
    }
}
