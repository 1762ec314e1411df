import Foundation
import Tensor

/// The DDPM noise schedule: `alphas_cumprod`, the quantities derived from it, and the
/// sampler settings of the scheduler configuration it came from.
///
/// DeepFloyd IF uses `squaredcos_cap_v2` (the cosine schedule of Nichol and Dhariwal, 2021)
/// over 1000 training steps. Betas are computed in Float64 and stored as Float32, and the
/// cumulative product of the Float32 alphas is taken in Float64 and rounded once: this
/// reproduces diffusers' Float32 table bit for bit (checked by the fixture test).
public struct NoiseSchedule: Sendable, Equatable {
    /// The number of training timesteps (T); valid timesteps are `0..<trainTimesteps`.
    public let trainTimesteps: Int
    /// beta_t for each timestep.
    public let betas: [Float]
    /// abar_t = prod_{s <= t} (1 - beta_s) for each timestep.
    public let alphasCumprod: [Float]
    /// The scheduler settings (variance type, thresholding, ...).
    public private(set) var configuration: Configuration

    /// The cosine schedule with `steps` training timesteps, each beta capped at `maxBeta`,
    /// with IF's sampler settings unless `configuration` says otherwise.
    public static func squaredCosine(steps: Int = 1000, maxBeta: Double = 0.999,
                                     configuration: Configuration = .deepFloydIF) -> NoiseSchedule {
        func f(_ s: Double) -> Double {
            let c = cos((s + 0.008) / 1.008 * Double.pi / 2)
            return c * c
        }
        var betas = [Double]()
        for i in 0..<steps {
            let t1 = Double(i) / Double(steps), t2 = Double(i + 1) / Double(steps)
            betas.append(min(1 - f(t2) / f(t1), maxBeta))
        }
        return NoiseSchedule(betas: betas, configuration: configuration)
    }

    /// A schedule from explicit betas (Float64), with the product taken in Float64.
    public init(betas: [Double], configuration: Configuration = .deepFloydIF) {
        let betas32 = betas.map { Float($0) }
        let alphas32 = betas32.map { 1 - $0 }
        var product = 1.0
        var cumprod = [Float]()
        cumprod.reserveCapacity(alphas32.count)
        for a in alphas32 {
            product *= Double(a)
            cumprod.append(Float(product))
        }
        self.trainTimesteps = betas.count
        self.betas = betas32
        self.alphasCumprod = cumprod
        self.configuration = configuration
    }

    /// The schedule a diffusers `scheduler_config.json` describes (the JSON bytes; `file`
    /// names it in errors).
    public init(schedulerConfig data: Data, file: String = "scheduler_config.json") throws {
        let configuration = try Configuration(json: data, file: file)
        self.init(betas: try configuration.betas(file: file), configuration: configuration)
    }

    /// The same table with other sampler settings (the betas stay those this schedule was
    /// built from).
    public func with(configuration: Configuration) -> NoiseSchedule {
        var copy = self
        copy.configuration = configuration
        return copy
    }

    /// abar_t, with abar_{-1} = 1 (the clean image after the last step).
    public func alphaBar(_ t: Int) -> Float {
        t < 0 ? 1 : alphasCumprod[t]
    }

    /// Whether `t` is a valid training timestep.
    public func contains(_ t: Int) -> Bool { t >= 0 && t < trainTimesteps }

    /// The course's strided timesteps: `start, start - stride, ..., 0` (990, 960, ..., 0 by default).
    public static func stridedTimesteps(start: Int = 990, stride: Int = 30) -> [Int] {
        Array(Swift.stride(from: start, through: 0, by: -stride))
    }

    /// `steps` reverse steps from `start` down to 0: the n + 1 timesteps
    /// `round(start (n - i) / n)` for i = 0...n, rounded half up. Consecutive timesteps are
    /// `start / n` apart rounded to a neighbouring integer, so strides differ by at most one
    /// and every count from 1 to `start` gives distinct timesteps from `start` to 0
    /// (33 steps from 990 are the course's stride 30).
    public static func timesteps(steps n: Int, from start: Int = 990) -> [Int] {
        precondition(n >= 1 && n <= start, "steps must be in 1...\(start)")
        return (0...n).map { i in (2 * start * (n - i) + n) / (2 * n) }
    }

    /// The step after `t` in a custom (descending) timestep list, as diffusers'
    /// `previous_timestep` finds it: the next entry, or -1 after the last; nil when `t` is
    /// not in the list.
    public static func previousTimestep(after t: Int, in timesteps: [Int]) -> Int? {
        guard let index = timesteps.firstIndex(of: t) else { return nil }
        return index + 1 < timesteps.count ? timesteps[index + 1] : -1
    }
}
