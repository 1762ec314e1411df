import Foundation
import Tensor
import Diffusion

/// The exact minimum-error denoiser of the built-in set: the posterior mean of the clean
/// image given x_t, when the data are the set's images under the prompt's prior.
///
/// x0_hat = sum_i w_i x_i with w = softmax_i(log pi_i - |x_t - sqrt(abar_t) x_i|^2 / (2 (1 - abar_t))),
/// eps = (x_t - sqrt(abar_t) x0_hat) / sqrt(1 - abar_t).
/// Every sample it produces is a copy of a training image, so it is no generator; its
/// answers are known in closed form, which makes it the oracle the local score machine and
/// the samplers are tested against.
public struct PosteriorMeanDenoiser: Denoiser {
    /// The images and captions.
    public let set: EmojiSet
    /// Turns prompts into priors over `set`.
    public let matcher: PromptMatcher
    /// The noise schedule (IF's cosine schedule, fixed posterior variance: `NoiseSchedule.builtin()`).
    public let schedule: NoiseSchedule
    /// |x_i|^2 for every image, `[N]`.
    private let squaredNorms: [Double]

    /// The posterior-mean denoiser of `set`.
    public init(set: EmojiSet, schedule: NoiseSchedule = .builtin()) {
        self.set = set
        self.matcher = PromptMatcher(set: set)
        self.schedule = schedule
        let dimension = 3 * set.side * set.side
        self.squaredNorms = (0..<set.count).map { i in
            var sum = 0.0
            for v in set.images.scalars[(i * dimension)..<((i + 1) * dimension)] { sum += Double(v * v) }
            return sum
        }
    }

    /// "built-in emoji model (posterior mean)".
    public var displayName: String { "built-in emoji model (posterior mean)" }

    /// The built-in version, the atlas digest and the set's size.
    public var identity: String { BuiltinModel.identity(kind: "posterior-mean", set: set) }

    /// The prior `prompt` puts on the set's images.
    public func match(_ prompt: String) -> PromptMatch { matcher.match(prompt) }

    /// Predicts the noise in `x` (`[B, 3, S, S]`) from the exact posterior mean.
    public func predict(_ input: DenoiserInput) throws -> Prediction {
        let (x, timesteps, conditions) = (input.sample, input.timesteps, input.conditions)
        let batch = try BuiltinBatch(x, timesteps: timesteps, conditions: conditions,
                                     side: set.side, schedule: schedule)
        let weights = try posteriorWeights(x, timesteps: timesteps, conditions: conditions)
        let clean = cleanEstimate(weights: weights, batch: batch.count)
        return Prediction(noise: batch.noise(x: x, clean: clean), variance: nil)
    }

    /// The clean-image estimate x0_hat = sum_i w_i x_i for every element, `[B, 3, S, S]`.
    public func denoised(_ x: Tensor, timesteps: [Int], conditions: [Condition]) throws -> Tensor {
        let weights = try posteriorWeights(x, timesteps: timesteps, conditions: conditions)
        return cleanEstimate(weights: weights, batch: x.shape[0])
    }

    /// The posterior weights w_i of every image for each batch element, `[B, N]`; each row
    /// sums to one and is zero outside the prompt's subset.
    public func posteriorWeights(_ x: Tensor, timesteps: [Int], conditions: [Condition]) throws -> Tensor {
        let batch = try BuiltinBatch(x, timesteps: timesteps, conditions: conditions,
                                     side: set.side, schedule: schedule)
        let (n, dimension) = (set.count, 3 * set.side * set.side)
        // dots[i, b] = <x_i, x_t[b]>: one GEMM for the whole batch; [N, B]
        var dots = [Float](repeating: 0, count: n * batch.count)
        set.images.scalars.withUnsafeBufferPointer { yp in
            x.scalars.withUnsafeBufferPointer { xp in
                dots.withUnsafeMutableBufferPointer { dp in
                    guard let y = yp.baseAddress, let xb = xp.baseAddress, let d = dp.baseAddress else { return }
                    Tensor.gemm(transposeB: true, m: n, n: batch.count, k: dimension,
                                a: y, lda: dimension, b: xb, ldb: dimension, c: d, ldc: batch.count)
                }
            }
        }
        var weights = [Float](repeating: 0, count: batch.count * n)
        for b in 0..<batch.count {
            let a = Double(batch.alphaBars[b])
            let s = a.squareRoot(), inverseTemperature = 1 / Swift.max(2 * (1 - a), .leastNormalMagnitude)
            // |x_t|^2 is the same for every i, and log pi_i the same for every i of the
            // prompt's subset (-inf outside it): both cancel in the softmax.
            let subset = matcher.match(conditions[b].prompt).indices
            var logits = [Double](repeating: 0, count: subset.count)
            for (j, i) in subset.enumerated() {
                let distance = a * squaredNorms[i] - 2 * s * Double(dots[i * batch.count + b])
                logits[j] = -distance * inverseTemperature
            }
            let largest = logits.max() ?? 0
            var total = 0.0
            for j in logits.indices {
                logits[j] = Foundation.exp(logits[j] - largest)
                total += logits[j]
            }
            for (j, i) in subset.enumerated() { weights[b * n + i] = Float(logits[j] / total) }
        }
        return Tensor(shape: [batch.count, n], scalars: weights)
    }

    /// sum_i w[b, i] x_i for every batch element, `[B, 3, S, S]`.
    private func cleanEstimate(weights: Tensor, batch: Int) -> Tensor {
        let (n, side) = (set.count, set.side)
        let dimension = 3 * side * side
        var out = [Float](repeating: 0, count: batch * dimension)
        weights.scalars.withUnsafeBufferPointer { wp in
            set.images.scalars.withUnsafeBufferPointer { yp in
                out.withUnsafeMutableBufferPointer { op in
                    guard let w = wp.baseAddress, let y = yp.baseAddress, let o = op.baseAddress else { return }
                    Tensor.gemm(m: batch, n: dimension, k: n, a: w, lda: n, b: y, ldb: dimension, c: o, ldc: dimension)
                }
            }
        }
        return Tensor(shape: [batch, 3, side, side], scalars: out)
    }
}
