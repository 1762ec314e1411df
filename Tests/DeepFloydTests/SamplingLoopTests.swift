import Foundation
import Tensor
import XCTest
@testable import DeepFloyd
import Diffusion
import TestSupport

/// The sampler's reverse step where users run it: a whole strided loop (990, 660, 330, 0)
/// of the IF-shaped tiny-a model, through `IFDenoiser` and `Sampler.denoise`, against
/// diffusers' `UNet2DConditionModel` + `DDPMScheduler.step` with custom timesteps. The
/// variance noise of every step is recorded in the fixture and replayed here, so both sides
/// draw the same numbers. Fixture: tools/make_sampling_fixtures.py (diffusers 0.30.3).
final class SamplingLoopTests: XCTestCase {
    struct Run: Decodable {
        let samples: [[Float]]
        let final: [Float]
        let max_abs: Float
    }

    struct Expected: Decodable {
        let timesteps: [Int]
        let shape: [Int]
        let thresholded: Run
        let course: Run
    }

    /// Runs the loop with the scheduler settings in `configFile` under `rule`, and checks
    /// every intermediate sample against diffusers.
    private func assertLoopMatches(configFile: String, rule: Sampler.StepRule, expected run: KeyPath<Expected, Run>) throws {
        let expected = try Fixtures.decode(Expected.self, "loop", "expected.json")
        let inputs = try Fixtures.safetensors("loop", "inputs.safetensors")
        let (x, text, noise) = (try XCTUnwrap(inputs["x"]), try XCTUnwrap(inputs["encoder_hidden_states"]), try XCTUnwrap(inputs["noise"]))
        let weights = try Fixtures.safetensors("tiny-a", "diffusion_pytorch_model.safetensors")
        let unet = try IFUNet(configJSON: try Fixtures.data("tiny-a", "config.json"), weights: TensorDictionary(weights))
        let schedule = try NoiseSchedule(schedulerConfig: try Fixtures.data("loop", configFile))
        let denoiser = IFDenoiser(unet: unet, schedule: schedule, displayName: "tiny-a", identity: "tiny-a")
        let sampler = try Sampler(denoiser: denoiser, timesteps: expected.timesteps, rule: rule)

        // One condition per batch item: the fixture's two embeddings.
        let conditions = (0..<2).map { Condition(prompt: "item \($0)", embedding: text.slice($0)) }
        var replay = ReplayedNoise((0..<(expected.timesteps.count - 1)).map { noise.slice($0) })
        let estimate: Sampler.Estimator = { x, t in
            let p = try denoiser.predict(x, timesteps: [t, t], conditions: conditions)
            return (p.noise, p.variance)
        }
        let result = try sampler.denoise(x, iStart: 0, keepEvery: 1, random: &replay, estimate: estimate)
        XCTAssertEqual(replay.taken, expected.timesteps.count - 1, "one noise draw per step")
        XCTAssertEqual(denoiser.textCache.statistics.misses, 1, "the prompts projected once for the loop")

        let reference = expected[keyPath: run]
        XCTAssertEqual(result.intermediates.count, reference.samples.count)
        // Within 1e-4 of the largest value: Float32 rounding through three UNet passes.
        let tolerance = 1e-4 * reference.max_abs
        for (i, (ours, theirs)) in zip(result.intermediates, reference.samples).enumerated() {
            XCTAssertEqual(ours.t, expected.timesteps[i + 1])
            let difference = maxAbsDifference(ours.image.scalars, theirs)
            XCTAssertLessThanOrEqual(difference, tolerance, "step \(i + 1) (t' = \(ours.t)): max |ours - diffusers| = \(difference)")
        }
        XCTAssertEqual(result.image.shape, expected.shape)
        XCTAssertLessThanOrEqual(maxAbsDifference(result.image.scalars, reference.final), tolerance)
    }

    /// IF's own scheduler settings: dynamic thresholding of x0 at every step.
    func testLoopWithThresholdingMatchesDiffusers() throws {
        try assertLoopMatches(configFile: "scheduler_config.json", rule: .scheduler, expected: \.thresholded)
    }

    /// The course's loop: the same configuration without thresholding or clipping.
    func testCourseLoopMatchesDiffusers() throws {
        try assertLoopMatches(configFile: "scheduler_config_course.json", rule: .scheduler, expected: \.course)
    }

    /// The `.course` rule applied to IF's own configuration is exactly the course's loop.
    func testCourseRuleOnIFSettingsIsTheCourseLoop() throws {
        try assertLoopMatches(configFile: "scheduler_config.json", rule: .course, expected: \.course)
    }
}
