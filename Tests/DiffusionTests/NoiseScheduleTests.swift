import Foundation
import Tensor
import XCTest
@testable import Diffusion
import TestSupport

/// The noise schedule against diffusers' DDPMScheduler; fixtures from
/// tools/make_if_fixtures.py (Fixtures/scheduler).
final class NoiseScheduleTests: XCTestCase {
    struct LogVarianceCase: Decodable {
        let t: Int
        let previous: Int
        let v: [Float]
        let log_variance: [Float]
    }

    struct StepCase: Decodable {
        let t: Int
        let previous: Int
        let thresholding: Bool
        let x: [Float]
        let model_output: [Float]
        let noise: [Float]
        let prev_sample: [Float]
        let pred_original_sample: [Float]
    }

    struct Expected: Decodable {
        let alphas_cumprod: [Float]
        let betas: [Float]
        let timesteps: [Int]
        let log_variances: [LogVarianceCase]
        let steps: [StepCase]
        let linear_alphas_cumprod: [Float]
        let scaled_linear_alphas_cumprod: [Float]
    }

    private func expected() throws -> Expected {
        try Fixtures.decode(Expected.self, "scheduler", "expected.json")
    }

    private func ifSchedule() throws -> NoiseSchedule {
        try NoiseSchedule(schedulerConfig: try Fixtures.data("scheduler", "scheduler_config.json"))
    }

    func testConfigurationIsReadFromSchedulerConfig() throws {
        let schedule = try ifSchedule()
        XCTAssertEqual(schedule.trainTimesteps, 1000)
        XCTAssertEqual(schedule.configuration.varianceType, .learnedRange)
        XCTAssertTrue(schedule.configuration.thresholding)
        XCTAssertEqual(schedule.configuration.dynamicThresholdingRatio, 0.95)
        XCTAssertEqual(schedule.configuration.sampleMaxValue, 1.5)
        XCTAssertEqual(schedule, NoiseSchedule.squaredCosine(), "the file describes IF's built-in defaults")
    }

    func testAlphasCumprodMatchesDiffusersExactly() throws {
        let schedule = try ifSchedule()
        let reference = try expected()
        // Bit-for-bit: Float64 betas rounded to Float32, Float64 product of the Float32 alphas.
        XCTAssertEqual(schedule.betas, reference.betas)
        XCTAssertEqual(schedule.alphasCumprod, reference.alphas_cumprod)
    }

    func testAlphasCumprodMatchesPublishedValues() throws {
        let schedule = try ifSchedule()
        // Values quoted in the reference notes (8 significant digits).
        let published: [(Int, Double)] = [(0, 0.99995869), (250, 0.84588802), (500, 0.49228504),
                                          (750, 0.14317866), (990, 1.9671733e-4)]
        for (t, value) in published {
            XCTAssertEqual(Double(schedule.alphaBar(t)), value, accuracy: value * 1e-7, "abar[\(t)]")
        }
        XCTAssertEqual(schedule.alphaBar(-1), 1, "abar(-1) is 1: the step after the last")
    }

    func testLinearSchedulesMatchDiffusers() throws {
        let reference = try expected()
        let linear = try NoiseSchedule(schedulerConfig: Data(#"{"beta_schedule": "linear"}"#.utf8))
        let scaled = try NoiseSchedule(schedulerConfig: Data(#"{"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}"#.utf8))
        // torch.linspace rounds differently from Float64 linspace by up to one ulp per beta;
        // over 1000 products that stays within a few parts per million.
        for (schedule, table) in [(linear, reference.linear_alphas_cumprod), (scaled, reference.scaled_linear_alphas_cumprod)] {
            for (t, (ours, theirs)) in zip(schedule.alphasCumprod, table).enumerated() {
                XCTAssertEqual(ours, theirs, accuracy: theirs * 5e-6 + 1e-12, "abar[\(t)]")
            }
        }
    }

    func testStridedTimestepsAndPreviousStep() throws {
        let reference = try expected()
        let strided = NoiseSchedule.stridedTimesteps()
        XCTAssertEqual(strided, reference.timesteps)
        XCTAssertEqual(NoiseSchedule.previousTimestep(after: 990, in: strided), 960)
        XCTAssertEqual(NoiseSchedule.previousTimestep(after: 0, in: strided), -1)
        XCTAssertNil(NoiseSchedule.previousTimestep(after: 5, in: strided))
        for c in reference.log_variances {
            XCTAssertEqual(NoiseSchedule.previousTimestep(after: c.t, in: strided), c.previous, "after \(c.t)")
        }
    }

    func testLearnedRangeLogVarianceMatchesDiffusers() throws {
        let schedule = try ifSchedule()
        for c in try expected().log_variances {
            let ours = schedule.logVariance(Tensor(shape: [c.v.count], scalars: c.v), t: c.t, previous: c.previous)
            for (i, (a, b)) in zip(ours.scalars, c.log_variance).enumerated() {
                // Log variances run from about -46 (the 1e-20 clamp) to 0; Float32 logs agree to ~1e-6 relative.
                XCTAssertEqual(a, b, accuracy: 1e-5 * Swift.max(1, abs(b)), "t \(c.t), v \(c.v[i])")
            }
        }
    }

    func testOneFullStepMatchesDiffusers() throws {
        for c in try expected().steps {
            var configuration = NoiseSchedule.Configuration.deepFloydIF
            configuration.thresholding = c.thresholding
            configuration.clipSample = c.thresholding
            let schedule = NoiseSchedule.squaredCosine(configuration: configuration)
            let shape = [2, 3, 8, 8]
            let output = Tensor(shape: [2, 6, 8, 8], scalars: c.model_output)
            let (eps, v) = output.splitChannels(at: 3)
            let result = try schedule.step(sample: Tensor(shape: shape, scalars: c.x), noise: eps, variance: v,
                                           t: c.t, previous: c.previous, sampleNoise: Tensor(shape: shape, scalars: c.noise))
            let scale = c.prev_sample.map(abs).max() ?? 1
            XCTAssertLessThanOrEqual(maxAbsDifference(result.predictedOriginal.scalars, c.pred_original_sample), 1e-5 * scale,
                                     "x0 at t \(c.t), thresholding \(c.thresholding)")
            XCTAssertLessThanOrEqual(maxAbsDifference(result.previousSample.scalars, c.prev_sample), 1e-5 * scale,
                                     "x_prev at t \(c.t), thresholding \(c.thresholding)")
        }
    }

    func testCourseAddVarianceUsesSeededNoise() throws {
        let schedule = try ifSchedule()
        let x = Tensor(zeros: [1, 3, 4, 4]), v = Tensor(repeating: 0.5, shape: [1, 3, 4, 4])
        var random = SeededRandom(seed: 42), replay = SeededRandom(seed: 42)
        let noisy = schedule.addVariance(x, v: v, t: 690, previous: 660, random: &random)
        let z = replay.normal(shape: x.shape)
        // frac = 0.75: log variance = 0.75 log(beta) + 0.25 log(posterior variance).
        let beta = 1 - Double(schedule.alphaBar(690)) / Double(schedule.alphaBar(660))
        let posterior = (1 - Double(schedule.alphaBar(660))) / (1 - Double(schedule.alphaBar(690))) * beta
        let sigma = Float(exp(0.5 * (0.75 * log(beta) + 0.25 * log(posterior))))
        for (a, b) in zip(noisy.scalars, z.scalars) { XCTAssertEqual(a, sigma * b, accuracy: 1e-5) }
    }

    func testUnsupportedSchedulerSettingsAreNamed() {
        XCTAssertThrowsError(try NoiseSchedule(schedulerConfig: Data(#"{"beta_schedule": "sigmoid"}"#.utf8))) { error in
            XCTAssertEqual("\(error)", #"scheduler_config.json: "beta_schedule": unsupported value "sigmoid" (supported: squaredcos_cap_v2, linear, scaled_linear)"#)
        }
        XCTAssertThrowsError(try NoiseSchedule(schedulerConfig: Data(#"{"variance_type": "learned"}"#.utf8))) { error in
            XCTAssertEqual("\(error)", #"scheduler_config.json: "variance_type": unsupported value "learned" (supported: fixed_small, fixed_large, learned_range)"#)
        }
        XCTAssertThrowsError(try NoiseSchedule(schedulerConfig: Data("[1]".utf8))) { error in
            XCTAssertEqual("\(error)", "scheduler_config.json: expected a JSON object at the top level")
        }
        // Found by the config fuzzer: the schedule's arrays are sized by this count.
        XCTAssertThrowsError(try NoiseSchedule(schedulerConfig: Data(#"{"num_train_timesteps": 4000000000000}"#.utf8))) { error in
            XCTAssertEqual("\(error)", #"scheduler_config.json: "num_train_timesteps": must be between 1 and 100000, got 4000000000000"#)
        }
    }
}

/// `steps: n`: n reverse steps from 990 to 0, strides rounded to the nearest integer.
final class TimestepCountTests: XCTestCase {
    func testEveryCountFrom1To990GivesThatManyDistinctStepsFrom990To0() {
        for n in 1...990 {
            let t = NoiseSchedule.timesteps(steps: n)
            XCTAssertEqual(t.count, n + 1, "n = \(n)")
            XCTAssertEqual(t.first, 990, "n = \(n)")
            XCTAssertEqual(t.last, 0, "n = \(n)")
            let strides = zip(t, t.dropFirst()).map { $0 - $1 }
            // Strides are 990 / n rounded down or up: never zero, never more than one apart.
            XCTAssertEqual(strides.min().map { $0 >= 990 / n }, true, "n = \(n): \(strides)")
            XCTAssertEqual(strides.max().map { $0 <= (990 + n - 1) / n }, true, "n = \(n): \(strides)")
        }
    }

    func testChosenCounts() {
        XCTAssertEqual(NoiseSchedule.timesteps(steps: 1), [990, 0])
        XCTAssertEqual(NoiseSchedule.timesteps(steps: 2), [990, 495, 0])
        XCTAssertEqual(NoiseSchedule.timesteps(steps: 33), NoiseSchedule.stridedTimesteps(start: 990, stride: 30),
                       "33 steps are the course's stride 30")
        let hundred = NoiseSchedule.timesteps(steps: 100)
        XCTAssertEqual(Array(hundred.prefix(4)), [990, 980, 970, 960])   // 9.9 rounds to 10 ...
        XCTAssertEqual(Array(hundred.suffix(3)), [20, 10, 0])
        XCTAssertEqual(Set(zip(hundred, hundred.dropFirst()).map { $0 - $1 }), [9, 10])  // ... and to 9 now and then
        let fiveHundred = NoiseSchedule.timesteps(steps: 500)
        XCTAssertEqual(Array(fiveHundred.prefix(3)), [990, 988, 986])
        XCTAssertEqual(Set(zip(fiveHundred, fiveHundred.dropFirst()).map { $0 - $1 }), [1, 2])
        XCTAssertEqual(NoiseSchedule.timesteps(steps: 990), Array((0...990).reversed()))
    }
}
