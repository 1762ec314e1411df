import Foundation
import Tensor

/// One reverse step t -> t' of DDPM, as diffusers' `DDPMScheduler` computes it for custom
/// timesteps (t' is the next entry of the list, -1 after the last). Scalars are computed in
/// Float32 in diffusers' order, so results agree to Float32 rounding.
extension NoiseSchedule {
    /// The result of `step`: the sample at t' and the x0 estimate it was built from.
    public struct StepResult: Sendable {
        /// x_{t'}, `[B, C, H, W]`.
        public var previousSample: Tensor
        /// The (thresholded or clipped, as configured) x0 estimate, `[B, C, H, W]`.
        public var predictedOriginal: Tensor
    }

    /// The step's beta, `1 - abar_t / abar_t'` (not the product of the betas in between).
    public func stepBeta(t: Int, previous: Int) -> Float {
        1 - alphaBar(t) / alphaBar(previous)
    }

    /// The posterior variance of the step, `(1 - abar_t') / (1 - abar_t) * beta`,
    /// clamped to at least 1e-20 because its log is taken.
    public func posteriorVariance(t: Int, previous: Int) -> Float {
        let variance = (1 - alphaBar(previous)) / (1 - alphaBar(t)) * stepBeta(t: t, previous: previous)
        return Swift.max(variance, 1e-20)
    }

    /// The clean-image estimate `(x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)`.
    public func predictX0(_ xt: Tensor, noise: Tensor, t: Int) -> Tensor {
        let abar = alphaBar(t)
        let x0 = Tensor.linearCombination(1, xt, -(1 - abar).squareRoot(), noise)
        return x0 / abar.squareRoot()
    }

    /// The posterior mean of x_{t'} given x0 and x_t (the course's A.3):
    /// `sqrt(abar_t') beta / (1 - abar_t) x0 + sqrt(a) (1 - abar_t') / (1 - abar_t) x_t`,
    /// `a = abar_t / abar_t'`.
    public func posteriorMean(x0: Tensor, xt: Tensor, t: Int, previous: Int) -> Tensor {
        let abarT = alphaBar(t), abarPrev = alphaBar(previous)
        let alpha = abarT / abarPrev
        let beta = 1 - alpha
        let x0Coefficient = abarPrev.squareRoot() * beta / (1 - abarT)
        let xtCoefficient = alpha.squareRoot() * (1 - abarPrev) / (1 - abarT)
        return Tensor.linearCombination(x0Coefficient, x0, xtCoefficient, xt)
    }

    /// learned_range log variance per element of `v` (the model's variance channels, in
    /// [-1, 1]): `frac log(beta) + (1 - frac) log(posterior variance)`, `frac = (v + 1) / 2`.
    public func logVariance(_ v: Tensor, t: Int, previous: Int) -> Tensor {
        let minLog = Float(log(Double(posteriorVariance(t: t, previous: previous))))
        let maxLog = Float(log(Double(stepBeta(t: t, previous: previous))))
        return v.map { value in
            let frac = (value + 1) / 2
            return frac * maxLog + (1 - frac) * minLog
        }
    }

    /// `x + exp(0.5 logvar(v)) * noise`: the course's `add_variance` with given noise.
    public func addVariance(_ x: Tensor, v: Tensor, t: Int, previous: Int, noise: Tensor) -> Tensor {
        let standardDeviation = logVariance(v, t: t, previous: previous).map { expf(0.5 * $0) }
        return x + standardDeviation * noise
    }

    /// `x + sqrt(posterior variance) * noise`: the step's noise for a model without learned
    /// variance (`fixed_small`).
    public func addPosteriorVariance(_ x: Tensor, t: Int, previous: Int, noise: Tensor) -> Tensor {
        x + posteriorVariance(t: t, previous: previous).squareRoot() * noise
    }

    /// `x + exp(0.5 logvar(v)) * z`, z standard normal from `random` (the course's `add_variance`).
    public func addVariance(_ x: Tensor, v: Tensor, t: Int, previous: Int, random: inout SeededRandom) -> Tensor {
        addVariance(x, v: v, t: t, previous: previous, noise: random.normal(shape: x.shape))
    }

    /// Dynamic thresholding (Imagen): per batch item, s = the configured quantile of |x0|,
    /// clamped to [1, sample_max_value]; x0 is clamped to [-s, s] and divided by s.
    /// `x0` is `[B, ...]`.
    public func dynamicallyThresholded(_ x0: Tensor) -> Tensor {
        guard x0.rank >= 1, x0.shape[0] > 0 else { return x0 }
        let batch = x0.shape[0]
        let perItem = x0.count / batch
        var out = x0.scalars
        for b in 0..<batch {
            let range = (b * perItem)..<((b + 1) * perItem)
            let magnitudes = out[range].map { abs($0) }.sorted()
            let s = Swift.min(Swift.max(NoiseSchedule.quantile(sorted: magnitudes, configuration.dynamicThresholdingRatio), 1),
                              configuration.sampleMaxValue)
            for i in range { out[i] = Swift.min(Swift.max(out[i], -s), s) / s }
        }
        return Tensor(shape: x0.shape, scalars: out)
    }

    /// The `q` quantile of ascending `values`, interpolating linearly between order
    /// statistics (`torch.quantile`'s default).
    static func quantile(sorted values: [Float], _ q: Float) -> Float {
        guard let first = values.first else { return .nan }
        let position = Double(q) * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, values.count - 1)
        let weight = Float(position - Double(lower))
        guard lower >= 0 else { return first }
        return values[lower] + (values[upper] - values[lower]) * weight
    }

    /// One full reverse step as diffusers' `DDPMScheduler.step` takes it: x0 from the
    /// noise estimate, thresholded or clipped as configured, the posterior mean, plus
    /// noise with the configured variance when t > 0. `noise` and `variance` are the
    /// model's channels 0-2 and 3-5 (`variance` may be nil unless the variance type is
    /// learned_range); `sampleNoise` is the standard normal draw.
    public func step(sample xt: Tensor, noise: Tensor, variance v: Tensor?, t: Int, previous: Int,
                     sampleNoise z: Tensor) throws -> StepResult {
        guard noise.shape == xt.shape, z.shape == xt.shape else {
            throw DiffusionError.invalidInput(what: "step", reason: "sample \(Tensor.format(xt.shape)), noise \(Tensor.format(noise.shape)) and sampleNoise \(Tensor.format(z.shape)) must have one shape")
        }
        guard contains(t), previous < t, previous >= -1 else {
            throw DiffusionError.invalidInput(what: "step", reason: "timesteps \(t) -> \(previous) are not a reverse step within 0..<\(trainTimesteps)")
        }
        var x0 = predictX0(xt, noise: noise, t: t)
        if configuration.thresholding {
            x0 = dynamicallyThresholded(x0)
        } else if configuration.clipSample {
            x0 = x0.clamped(to: -configuration.clipSampleRange...configuration.clipSampleRange)
        }
        var mean = posteriorMean(x0: x0, xt: xt, t: t, previous: previous)
        if t > 0 {
            switch configuration.varianceType {
            case .learnedRange:
                guard let v, v.shape == xt.shape else {
                    throw DiffusionError.invalidInput(what: "step", reason: "learned_range needs the variance channels, shaped like the sample \(Tensor.format(xt.shape))")
                }
                mean = addVariance(mean, v: v, t: t, previous: previous, noise: z)
            case .fixedSmall:
                mean = addPosteriorVariance(mean, t: t, previous: previous, noise: z)
            case .fixedLarge:
                mean = mean + stepBeta(t: t, previous: previous).squareRoot() * z
            }
        }
        return StepResult(previousSample: mean, predictedOriginal: x0)
    }
}
