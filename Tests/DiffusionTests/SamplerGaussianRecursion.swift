import Diffusion
import Foundation

/// The exact law of one pixel under the strided DDPM loop when the noise estimate is affine
/// in x (as `GaussianDenoiser`'s is, and any guided mix of its prompts), propagated in
/// Float64 straight from the course's formulas (A.2, A.3), independently of `Sampler`.
///
/// The pixel is tracked as x = gain * source + offset + N(0, variance), where `source` is
/// the starting variable (the initial noise, or the image SDEdit starts from). Each step maps
/// x to lambda x + iota + sigma z, so gain, offset and variance evolve linearly:
/// gain' = lambda gain, offset' = lambda offset + iota, variance' = lambda^2 variance + sigma^2.
struct GaussianRecursion {
    /// One prompt's law, weighted in the noise estimate (CFG: 1 - gamma on the
    /// unconditional law, gamma on the conditional).
    struct Term {
        var weight: Double
        var mean: Double
        var deviation: Double
    }

    /// How much noise a step adds.
    enum StepNoise {
        /// The DDPM posterior variance (`fixed_small`; models without variance channels).
        case posterior
        /// The step's beta (`fixed_large`).
        case beta
        /// learned_range with a constant interpolator v.
        case learned(Double)
        /// The exact reverse kernel of Gaussian data N(mu, s^2): the posterior variance plus
        /// the spread of x0 given x_t carried through the x0 coefficient. With it and the
        /// exact starting law the loop samples the true marginals.
        case exactReverse(deviation: Double)
        /// No noise at all.
        case none
    }

    var gain: Double
    var offset: Double
    var variance: Double

    /// The pixel at the first timestep as `gain * source + offset + N(0, variance)`.
    init(gain: Double = 1, offset: Double = 0, variance: Double = 0) {
        self.gain = gain
        self.offset = offset
        self.variance = variance
    }

    /// Mean and variance of the pixel when `source` is N(sourceMean, sourceVariance).
    func law(sourceMean: Double, sourceVariance: Double) -> (mean: Double, variance: Double) {
        (gain * sourceMean + offset, gain * gain * sourceVariance + variance)
    }

    /// The slope, intercept and added variance of the step t -> previous.
    static func coefficients(schedule: NoiseSchedule, t: Int, previous: Int, terms: [Term], noise: StepNoise)
        -> (lambda: Double, iota: Double, sigma2: Double) {
        let a = Double(schedule.alphaBar(t)), aPrevious = Double(schedule.alphaBar(previous))
        let alpha = a / aPrevious, beta = 1 - alpha
        // eps_hat = k x - c, summed over the terms.
        var k = 0.0, c = 0.0
        for term in terms {
            let gain = (1 - a).squareRoot() / (a * term.deviation * term.deviation + 1 - a)
            k += term.weight * gain
            c += term.weight * gain * a.squareRoot() * term.mean
        }
        // x0_hat = (x - sqrt(1 - a) eps_hat) / sqrt(a)  (A.2)
        let x0Slope = (1 - (1 - a).squareRoot() * k) / a.squareRoot()
        let x0Intercept = (1 - a).squareRoot() * c / a.squareRoot()
        // x_t' = sqrt(abar_t') beta / (1 - abar_t) x0_hat + sqrt(alpha) (1 - abar_t') / (1 - abar_t) x_t  (A.3)
        let x0Coefficient = aPrevious.squareRoot() * beta / (1 - a)
        let xtCoefficient = alpha.squareRoot() * (1 - aPrevious) / (1 - a)
        let lambda = x0Coefficient * x0Slope + xtCoefficient
        let iota = x0Coefficient * x0Intercept
        let posterior = (1 - aPrevious) / (1 - a) * beta
        let sigma2: Double
        switch noise {
        case .posterior: sigma2 = posterior
        case .beta: sigma2 = beta
        case .learned(let v):
            let fraction = (v + 1) / 2
            sigma2 = exp(fraction * log(beta) + (1 - fraction) * log(posterior))
        case .exactReverse(let s):
            let spread = s * s * (1 - a) / (a * s * s + 1 - a)         // Var[x0 | x_t]
            sigma2 = posterior + x0Coefficient * x0Coefficient * spread
        case .none: sigma2 = 0
        }
        return (lambda, iota, sigma2)
    }

    /// Runs the loop over `timesteps[iStart...]`.
    mutating func run(schedule: NoiseSchedule, timesteps: [Int], iStart: Int = 0, terms: [Term], noise: StepNoise) {
        for i in iStart..<(timesteps.count - 1) {
            let (lambda, iota, sigma2) = GaussianRecursion.coefficients(schedule: schedule, t: timesteps[i],
                                                                        previous: timesteps[i + 1], terms: terms, noise: noise)
            gain *= lambda
            offset = lambda * offset + iota
            variance = lambda * lambda * variance + sigma2
        }
    }

    /// The pixel's law after sampling from pure noise N(0, 1) over all of `timesteps`.
    static func fromNoise(schedule: NoiseSchedule, timesteps: [Int], terms: [Term],
                          noise: StepNoise) -> (mean: Double, variance: Double) {
        var recursion = GaussianRecursion()
        recursion.run(schedule: schedule, timesteps: timesteps, terms: terms, noise: noise)
        return recursion.law(sourceMean: 0, sourceVariance: 1)
    }

    /// How far apart two Float32 runs of the loop can end when they compute the same noise
    /// estimate by different but equivalent arithmetic (e.g. `low + (x - low)` against `x`).
    ///
    /// At each step the two runs may differ by new roundings: in the estimate, at most
    /// `roundings` of them, each at most eps_32 * `magnitude` (|eps| and |x| stay below
    /// `magnitude`), and as many in the step's own arithmetic on x. An estimate error enters
    /// x_t' with weight |g| = x0Coefficient sqrt(1 - abar_t) / sqrt(abar_t); an error in the
    /// numerator of x0_hat enters with the same weight, one in x directly with weight 1.
    /// A difference already present is carried forward by |lambda| of each later step
    /// (first order; the loop is affine in x, so first order is all there is). Hence
    /// bound = sum_t (prod_{later j} |lambda_j|) (|g_t| + 1) roundings eps_32 magnitude.
    static func roundingBound(schedule: NoiseSchedule, timesteps: [Int], iStart: Int = 0, terms: [Term],
                              magnitude: Double, roundings: Double = 8) -> Double {
        let unit = roundings * Double(Float.ulpOfOne) * magnitude
        var bound = 0.0
        for i in iStart..<(timesteps.count - 1) {
            let (t, previous) = (timesteps[i], timesteps[i + 1])
            let (lambda, _, _) = coefficients(schedule: schedule, t: t, previous: previous, terms: terms, noise: .none)
            let a = Double(schedule.alphaBar(t)), aPrevious = Double(schedule.alphaBar(previous))
            let x0Coefficient = aPrevious.squareRoot() * (1 - a / aPrevious) / (1 - a)
            let g = x0Coefficient * (1 - a).squareRoot() / a.squareRoot()
            bound = abs(lambda) * bound + (g + 1) * unit
        }
        return bound
    }

    /// The CFG terms: 1 - gamma on `unconditional`, gamma on `conditional` (each (mean, deviation)).
    static func guided(_ conditional: (Double, Double), _ unconditional: (Double, Double), gamma: Double) -> [Term] {
        [Term(weight: gamma, mean: conditional.0, deviation: conditional.1),
         Term(weight: 1 - gamma, mean: unconditional.0, deviation: unconditional.1)]
    }
}
