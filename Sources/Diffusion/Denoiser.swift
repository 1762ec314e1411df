import Tensor

/// What a denoiser is conditioned on: a prompt, with its text-encoder embedding when the
/// model needs one (DeepFloyd IF reads `[77, 4096]` T5 states; the built-in model reads
/// the words).
public struct Condition: Sendable {
    /// The prompt as written in the notebook ("" is the unconditional prompt).
    public var prompt: String
    /// The prompt's text embedding, `[tokens, width]`, when the model uses one.
    public var embedding: Tensor?
    /// Where the embedding came from ("prompt_embeds_dict.pth", "T5 encoder of IF-I-L-v1.0"),
    /// for the page's provenance line; nil for models that read the words themselves.
    public var embeddingSource: String?

    /// A condition for `prompt`, with its embedding (and where it came from) when the model needs one.
    public init(prompt: String, embedding: Tensor? = nil, embeddingSource: String? = nil) {
        self.prompt = prompt
        self.embedding = embedding
        self.embeddingSource = embeddingSource
    }
}

/// One batched model input: the noisy samples, each one's timestep and condition, and for
/// super-resolution models (DeepFloyd IF stage II) the image they refine.
public struct DenoiserInput: Sendable {
    /// The noisy samples x_t, `[B, C, H, W]` in the model range.
    public var sample: Tensor
    /// The timestep of each batch item.
    public var timesteps: [Int]
    /// The condition of each batch item.
    public var conditions: [Condition]
    /// For super-resolution: the noised, upscaled low-resolution image, `[B, C, H, W]`.
    public var lowResolution: Tensor?
    /// For super-resolution: the noise level each low-resolution image was noised to.
    public var noiseLevels: [Int]?

    /// An input from its parts.
    public init(sample: Tensor, timesteps: [Int], conditions: [Condition],
                lowResolution: Tensor? = nil, noiseLevels: [Int]? = nil) {
        self.sample = sample
        self.timesteps = timesteps
        self.conditions = conditions
        self.lowResolution = lowResolution
        self.noiseLevels = noiseLevels
    }

    /// The batch size.
    public var batch: Int { sample.rank > 0 ? sample.shape[0] : 0 }

    /// Throws unless every per-item list has one entry per batch item.
    public func checkBatch() throws {
        guard sample.rank == 4, timesteps.count == batch, conditions.count == batch,
              noiseLevels.map({ $0.count == batch }) ?? true,
              lowResolution.map({ $0.shape == sample.shape }) ?? true else {
            throw DiffusionError.invalidInput(what: "predict",
                                              reason: "\(timesteps.count) timesteps and \(conditions.count) conditions for a batch shaped \(Tensor.format(sample.shape))")
        }
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
    /// Predicts the noise in `input.sample` (model range [-1, 1]) at each item's timestep
    /// under its condition.
    func predict(_ input: DenoiserInput) throws -> Prediction
}

extension Denoiser {
    /// Predicts the noise in `x` (`[B, 3, H, W]`) at `timesteps[b]` under `conditions[b]`.
    public func predict(_ x: Tensor, timesteps: [Int], conditions: [Condition]) throws -> Prediction {
        try predict(DenoiserInput(sample: x, timesteps: timesteps, conditions: conditions))
    }
}
