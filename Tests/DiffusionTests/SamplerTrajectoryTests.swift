import Diffusion
import Foundation
import Tensor
import TestSupport
import XCTest

/// One whole trajectory, step by step, against a Float64 re-statement of the course's loop
/// (A.3 with the posterior variance), with the same noise replayed on both sides. Unlike the
/// statistical tests, this sees a single timestep off by one.
final class SamplerTrajectoryTests: XCTestCase {
    static let shape = [1, 3, 4, 4]

    let model: GaussianDenoiser = {
        var random = SeededRandom(seed: 31)
        return GaussianDenoiser(laws: ["": GaussianDenoiser.Law(mean: random.normal(shape: [3, 4, 4]) * 0.5, deviation: 0.3)])
    }()

    /// The course's loop in Float64 over `timesteps`, from `x` with the step noise `z`.
    func reference(_ x: [Float], timesteps: [Int], noise z: [[Float]]) -> [Double] {
        let abar = { (t: Int) -> Double in t < 0 ? 1 : Double(self.model.schedule.alphasCumprod[t]) }
        let law = model.laws[""]!
        let s2 = Double(law.deviation * law.deviation)
        var x = x.map(Double.init)
        for i in 0..<(timesteps.count - 1) {
            let (t, previous) = (timesteps[i], timesteps[i + 1])
            let (a, ap) = (abar(t), abar(previous))
            let alpha = a / ap, beta = 1 - alpha
            let variance = max((1 - ap) / (1 - a) * beta, 1e-20)
            for j in x.indices {
                let mu = Double(law.mean.scalars[j])
                let eps = (1 - a).squareRoot() * (x[j] - a.squareRoot() * mu) / (a * s2 + 1 - a)
                let x0 = (x[j] - (1 - a).squareRoot() * eps) / a.squareRoot()
                let mean = ap.squareRoot() * beta / (1 - a) * x0 + alpha.squareRoot() * (1 - ap) / (1 - a) * x[j]
                x[j] = mean + variance.squareRoot() * Double(z[i][j])
            }
        }
        return x
    }

    func testWholeTrajectoryMatchesTheFloat64Recursion() throws {
        let timesteps = NoiseSchedule.stridedTimesteps()                  // 990, 960, ..., 0
        var random = SeededRandom(seed: 5)
        let start = random.normal(shape: Self.shape)
        let draws = (0..<(timesteps.count - 1)).map { _ in random.normal(shape: Self.shape) }
        var replay = ReplayedNoise(draws)
        let sampler = try Sampler(denoiser: model, timesteps: timesteps)
        let ours = try sampler.denoise(start, iStart: 0, random: &replay, estimate: sampler.conditional(Condition(prompt: ""))).image
        XCTAssertEqual(replay.taken, timesteps.count - 1)

        let expected = reference(start.scalars, timesteps: timesteps, noise: draws.map(\.scalars))
        let worst = maxAbsDifference(ours.scalars.map(Double.init), expected)
        // Float32 rounding over 33 steps: about 9e-6 measured; 2e-5 leaves room for other CPUs.
        let tolerance = 2e-5
        XCTAssertLessThan(worst, tolerance, "max |ours - Float64| = \(worst)")

        // The same recursion with every timestep one higher ends measurably elsewhere: the
        // comparison above would catch an off-by-one.
        let shifted = reference(start.scalars, timesteps: timesteps.dropLast().map { $0 + 1 } + [0], noise: draws.map(\.scalars))
        let gap = maxAbsDifference(Array(expected), Array(shifted))
        XCTAssertGreaterThan(gap, 10 * tolerance, "an off-by-one moves the result by \(gap)")
    }
}
