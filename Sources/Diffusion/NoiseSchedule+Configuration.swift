import Foundation
import JSON

extension NoiseSchedule {
    /// The settings of a diffusers `DDPMScheduler` config (`scheduler_config.json`), with
    /// diffusers' defaults for absent keys.
    public struct Configuration: Sendable, Equatable {
        /// How the learned variance channels (or a fixed variance) set the noise added per step.
        public enum VarianceType: String, Sendable, Equatable, CaseIterable {
            /// The posterior variance of the step.
            case fixedSmall = "fixed_small"
            /// The step's beta.
            case fixedLarge = "fixed_large"
            /// IF's: log variance interpolated between the two by the model's `v` in [-1, 1].
            case learnedRange = "learned_range"
        }

        /// num_train_timesteps.
        public var trainTimesteps: Int = 1000
        /// beta_schedule: "squaredcos_cap_v2", "linear" or "scaled_linear".
        public var betaSchedule: String = "linear"
        /// beta_start (linear schedules).
        public var betaStart: Double = 0.0001
        /// beta_end (linear schedules).
        public var betaEnd: Double = 0.02
        /// trained_betas, when given explicitly.
        public var trainedBetas: [Double]?
        /// variance_type.
        public var varianceType: VarianceType = .fixedSmall
        /// thresholding: dynamic thresholding of the predicted x0 in `step`.
        public var thresholding: Bool = false
        /// dynamic_thresholding_ratio: the quantile of |x0| used as threshold.
        public var dynamicThresholdingRatio: Float = 0.995
        /// sample_max_value: the largest threshold.
        public var sampleMaxValue: Float = 1
        /// clip_sample: clamp x0 to ±clip_sample_range when not thresholding.
        public var clipSample: Bool = true
        /// clip_sample_range.
        public var clipSampleRange: Float = 1

        /// Diffusers' defaults.
        public init() {}

        /// DeepFloyd IF's scheduler settings (its `scheduler/scheduler_config.json`).
        public static let deepFloydIF: Configuration = {
            var c = Configuration()
            c.betaSchedule = "squaredcos_cap_v2"
            c.varianceType = .learnedRange
            c.thresholding = true
            c.dynamicThresholdingRatio = 0.95
            c.sampleMaxValue = 1.5
            return c
        }()

        /// The most training timesteps a scheduler config may declare.
        public static let maxTrainTimesteps = 100_000

        /// Settings read from a scheduler config's JSON bytes; unsupported values are errors
        /// naming `file` and the key.
        public init(json data: Data, file: String = "scheduler_config.json") throws {
            let keys = try ConfigKeys(json: [UInt8](data), file: file)
            trainTimesteps = try keys.int("num_train_timesteps") ?? trainTimesteps
            // The schedule holds a few arrays of this length: a hostile or mistyped value must
            // not become a huge allocation. Published schedulers use 1000.
            guard (1...Self.maxTrainTimesteps).contains(trainTimesteps) else {
                throw keys.invalid("num_train_timesteps", "must be between 1 and \(Self.maxTrainTimesteps), got \(trainTimesteps)")
            }
            betaSchedule = try keys.string("beta_schedule") ?? betaSchedule
            betaStart = try keys.double("beta_start") ?? betaStart
            betaEnd = try keys.double("beta_end") ?? betaEnd
            trainedBetas = try keys.doubles("trained_betas")
            if let name = try keys.string("variance_type") {
                guard let type = VarianceType(rawValue: name) else {
                    throw keys.invalid("variance_type", "unsupported value \"\(name)\" (supported: \(VarianceType.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                varianceType = type
            }
            if let prediction = try keys.string("prediction_type"), prediction != "epsilon" {
                throw keys.invalid("prediction_type", "unsupported value \"\(prediction)\" (supported: epsilon)")
            }
            if try keys.bool("rescale_betas_zero_snr") == true {
                throw keys.invalid("rescale_betas_zero_snr", "unsupported value true (supported: false)")
            }
            thresholding = try keys.bool("thresholding") ?? thresholding
            dynamicThresholdingRatio = try keys.double("dynamic_thresholding_ratio").map(Float.init) ?? dynamicThresholdingRatio
            sampleMaxValue = try keys.double("sample_max_value").map(Float.init) ?? sampleMaxValue
            clipSample = try keys.bool("clip_sample") ?? clipSample
            clipSampleRange = try keys.double("clip_sample_range").map(Float.init) ?? clipSampleRange
            _ = try betas(file: file)
        }

        /// The betas these settings define, in Float64 (diffusers rounds them to Float32).
        func betas(file: String = "scheduler_config.json") throws -> [Double] {
            if let trainedBetas {
                guard trainedBetas.count == trainTimesteps else {
                    throw ConfigError(file: file, key: "trained_betas",
                                      reason: "has \(trainedBetas.count) values for \(trainTimesteps) timesteps")
                }
                return trainedBetas
            }
            let n = trainTimesteps
            switch betaSchedule {
            case "squaredcos_cap_v2":
                return NoiseSchedule.squaredCosine(steps: n).betas.map(Double.init)
            case "linear":
                return NoiseSchedule.linspace(betaStart, betaEnd, n).map { Double(Float($0)) }
            case "scaled_linear":
                // diffusers: linspace of the square roots in Float32, squared in Float32.
                return NoiseSchedule.linspace(betaStart.squareRoot(), betaEnd.squareRoot(), n).map {
                    let root = Float($0)
                    return Double(root * root)
                }
            default:
                throw ConfigError(file: file, key: "beta_schedule",
                                  reason: "unsupported value \"\(betaSchedule)\" (supported: squaredcos_cap_v2, linear, scaled_linear)")
            }
        }
    }

    /// `n` evenly spaced values from `start` to `end` inclusive.
    static func linspace(_ start: Double, _ end: Double, _ n: Int) -> [Double] {
        guard n > 1 else { return [start] }
        let step = (end - start) / Double(n - 1)
        return (0..<n).map { start + Double($0) * step }
    }
}
