import Foundation
import Tensor

/// The DDPM noise schedule: `alphas_cumprod` and the quantities derived from it.
///
/// DeepFloyd IF uses `squaredcos_cap_v2` (the cosine schedule of Nichol and Dhariwal, 2021)
/// over 1000 training steps. Betas are computed in Float64 and the cumulative product is
/// rounded to Float32 once, which reproduces diffusers' table exactly.
public struct NoiseSchedule: Sendable, Equatable {
    /// The number of training timesteps (T); valid timesteps are `0..<trainTimesteps`.
    public let trainTimesteps: Int
    /// beta_t for each timestep.
    public let betas: [Float]
    /// abar_t = prod_{s <= t} (1 - beta_s) for each timestep.
    public let alphasCumprod: [Float]

    /// The cosine schedule with `steps` training timesteps, each beta capped at `maxBeta`.
    public static func squaredCosine(steps: Int = 1000, maxBeta: Double = 0.999) -> NoiseSchedule {
        func f(_ s: Double) -> Double {
            let c = cos((s + 0.008) / 1.008 * Double.pi / 2)
            return c * c
        }
        var betas = [Double]()
        for i in 0..<steps {
            let t1 = Double(i) / Double(steps), t2 = Double(i + 1) / Double(steps)
            betas.append(min(1 - f(t2) / f(t1), maxBeta))
        }
        return NoiseSchedule(betas: betas)
    }

    /// A schedule from explicit betas (Float64), with the product taken in Float64.
    public init(betas: [Double]) {
        // diffusers stores betas as float32 and multiplies float32 alphas; the product of the
        // float32-rounded alphas in float64, rounded once, matches its table to the last bit
        // for IF's schedule (checked by the fixture test).
        let alphas32 = betas.map { Float(1 - Float($0)) }
        var product = 1.0
        var cumprod = [Float]()
        for a in alphas32 {
            product *= Double(a)
            cumprod.append(Float(product))
        }
        self.trainTimesteps = betas.count
        self.betas = betas.map { Float($0) }
        self.alphasCumprod = cumprod
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
}
