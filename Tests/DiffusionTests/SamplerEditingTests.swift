import XCTest
import Diffusion
import Tensor
import TestSupport

/// SDEdit: the forward process to `timesteps[iStart]`, then the loop from there.
final class SamplerEditingTests: XCTestCase {
    static let (side, batch) = (32, 8)
    let schedule = NoiseSchedule.squaredCosine()
    let timesteps = NoiseSchedule.stridedTimesteps()
    let prompt = Condition(prompt: "a photo")
    let empty = Condition(prompt: "")
    let laws: [String: (mean: Double, deviation: Double)] = ["a photo": (0.3, 0.5), "": (0, 0.6)]

    func sampler() throws -> Sampler {
        try Sampler(denoiser: GaussianDenoiser(schedule: schedule, laws: laws.mapValues {
            GaussianDenoiser.uniform(mean: Float($0.mean), deviation: Float($0.deviation), height: Self.side, width: Self.side)
        }))
    }

    /// An image drawn from the prompt's own law N(0.3, 0.5^2).
    func image() -> Tensor {
        var random = SeededRandom(seed: 50)
        return random.normal(shape: [Self.batch, 3, Self.side, Self.side]) * 0.5 + 0.3
    }

    func testStartIsTheForwardProcess() throws {
        // (start - sqrt(abar) x) / sqrt(1 - abar) is N(0, 1) over n elements: mean within
        // 5 / sqrt(n), variance within 5 sqrt(2 / (n - 1)).
        let sampler = try sampler()
        let x = image()
        var random = SeededRandom(seed: 51)
        let iStart = 10
        let a = Double(schedule.alphaBar(timesteps[iStart]))
        let start = try sampler.sdeditStart(x, iStart: iStart, random: &random)
        let residual = zip(start.scalars, x.scalars).map { (Double($0) - a.squareRoot() * Double($1)) / (1 - a).squareRoot() }
        let n = Double(residual.count)
        let mean = residual.reduce(0, +) / n
        let variance = residual.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        XCTAssertEqual(mean, 0, accuracy: 5 / n.squareRoot())
        XCTAssertEqual(variance, 1, accuracy: 5 * (2 / (n - 1)).squareRoot())
        for bad in [-1, timesteps.count - 1] {
            XCTAssertThrowsError(try sampler.sdeditStart(x, iStart: bad, random: &random), "iStart \(bad)")
            XCTAssertThrowsError(try sampler.sdedit(x, iStart: bad, condition: prompt, unconditional: empty, guidance: 7, random: &random))
        }
    }

    func testLastStepChangesTheImageOnlyByAboutTheNoiseLevel() throws {
        let sampler = try sampler()
        let x = image()
        let iStart = timesteps.count - 2                      // t = 30, one step to 0
        let (a, a0) = (Double(schedule.alphaBar(timesteps[iStart])), Double(schedule.alphaBar(0)))
        let rmsX = (x.scalars.reduce(0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
        for (seed, gamma) in [(60, 1.0), (61, 7.0)] {
            var random = SeededRandom(seed: UInt64(seed))
            let edited = try sampler.sdedit(x, iStart: iStart, condition: prompt, unconditional: empty,
                                            guidance: Float(gamma), random: &random)
            // The exact law of each output pixel given its input x_i: gain x_i + offset + N(0, variance).
            var recursion = GaussianRecursion(gain: a.squareRoot(), offset: 0, variance: 1 - a)
            recursion.run(schedule: schedule, timesteps: timesteps, iStart: iStart,
                          terms: GaussianRecursion.guided((0.3, 0.5), (0, 0.6), gamma: gamma), noise: .posterior)
            var residualSum = 0.0, squaredResidualSum = 0.0, squaredChange = 0.0, expectedSquaredChange = 0.0
            for (out, input) in zip(edited.scalars, x.scalars) {
                let expected = (recursion.gain - 1) * Double(input) + recursion.offset      // E[out - x]
                let residual = Double(out - input) - expected
                residualSum += residual
                squaredResidualSum += residual * residual
                squaredChange += Double(out - input) * Double(out - input)
                expectedSquaredChange += expected * expected + recursion.variance
            }
            // Residuals are independent N(0, variance): their mean within 5 sqrt(variance / n),
            // the mean of their squares within 5 variance sqrt(2 / n).
            let n = Double(x.count)
            XCTAssertEqual(residualSum / n, 0, accuracy: 5 * (recursion.variance / n).squareRoot(), "gamma \(gamma)")
            XCTAssertEqual(squaredResidualSum / n, recursion.variance, accuracy: 5 * recursion.variance * (2 / n).squareRoot(),
                           "gamma \(gamma)")

            // "Only slightly": for the posterior-mean estimate (gamma 1) the change
            // out - x = (sqrt(abar_0) - 1) x + A (x0_hat - x) + noise, where A is x0's
            // coefficient, since A + B sqrt(abar_30) = sqrt(abar_0); the noise has variance
            // B^2 (1 - abar_30) + posterior variance = 1 - abar_0; and the posterior mean's
            // error is at most that of x_t / sqrt(abar), sqrt((1 - abar) / abar) in RMS. So
            // RMS(out - x) <= (1 - sqrt(abar_0)) RMS(x) + A sqrt((1 - abar_30) / abar_30) + sqrt(1 - abar_0),
            // about 0.065 against a data spread of 0.5.
            let A = a0.squareRoot() * (1 - a / a0) / (1 - a)
            let bound = (1 - a0.squareRoot()) * rmsX + A * ((1 - a) / a).squareRoot() + (1 - a0).squareRoot()
            if gamma == 1 {
                XCTAssertLessThanOrEqual((expectedSquaredChange / n).squareRoot(), bound, "the exact law obeys the bound")
                XCTAssertLessThanOrEqual((squaredChange / n).squareRoot(), bound, "the samples obey the bound")
            }
            // Guidance 7 leans on the prompt but, one step from the end, only by a few hundredths.
            XCTAssertLessThan((squaredChange / n).squareRoot(), 2 * bound, "gamma \(gamma) edits only slightly")
        }

        // Control: from iStart = 0 the output is all but independent of the image, so the
        // change has variance 0.25 (the image) + 0.21 (the output), RMS about 0.68.
        var random = SeededRandom(seed: 62)
        let regenerated = try sampler.sdedit(x, iStart: 0, condition: prompt, unconditional: empty, guidance: 1, random: &random)
        let rms = (zip(regenerated.scalars, x.scalars).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(x.count)).squareRoot()
        XCTAssertGreaterThan(rms, 0.5)
    }
}
