import Tensor

/// What a denoiser is conditioned on: a prompt, with its text-encoder embedding when the
/// model needs one (DeepFloyd IF reads `[77, 4096]` T5 states; the built-in model reads
/// the words).
public struct Condition: Sendable {
    /// The prompt as written in the notebook ("" is the unconditional prompt).
    public var prompt: String
    /// The prompt's text embedding, `[tokens, width]`, when the model uses one.
    public var embedding: Tensor?

    /// A condition for `prompt`, with its embedding when the model needs one.
    public init(prompt: String, embedding: Tensor? = nil) {
        self.prompt = prompt
        self.embedding = embedding
    }
}

/// One batched model evaluation: the noise estimate and, for models that learn it, the
/// variance interpolator `v` of the learned_range parameterisation.
public struct Prediction: Sendable {
    /// Estimated noise, `[B, 3, H, W]`.
    public var noise: Tensor
    /// Variance interpolator in [-1, 1], `[B, 3, H, W]`; nil for models without one.
    public var variance: Tensor?

    /// A prediction from its parts.
    public init(noise: Tensor, variance: Tensor?) {
        self.noise = noise
        self.variance = variance
    }
}

/// The seam every sampler is written against: one batched pass of a noise-predicting model.
/// DeepFloyd IF's UNet and the built-in model both implement it, so every algorithm of the
/// assignment runs unchanged on either.
public protocol Denoiser: Sendable {
    /// The noise schedule the model was trained with.
    var schedule: NoiseSchedule { get }
    /// A short name shown on pages, e.g. "DeepFloyd IF-I-L v1.0 (fp16)".
    var displayName: String { get }
    /// A stable identity for cache keys: a weights digest or a built-in version.
    var identity: String { get }
    /// Predicts the noise in `x` (`[B, 3, H, W]`, model range [-1, 1]) at `timesteps[b]`
    /// under `conditions[b]`.
    func predict(_ x: Tensor, timesteps: [Int], conditions: [Condition]) throws -> Prediction
}
