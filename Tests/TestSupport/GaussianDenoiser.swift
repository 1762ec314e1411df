import Diffusion
import Tensor

/// A test double whose data are Gaussian per pixel: under the prompt p, pixel i of the clean
/// image is N(mean_p[i], deviation_p^2), independently. Its noise prediction is the optimal
/// one in closed form: with x_t = sqrt(a) x0 + sqrt(1 - a) eps,
/// E[eps | x_t] = sqrt(1 - a) (x_t - sqrt(a) mu) / (a s^2 + 1 - a).
///
/// Each output element is computed from its own input element and its own mean only, with
/// the same Float operations wherever it sits; moving pixels about (a view) therefore moves
/// the results bit for bit, which the identity tests rely on.
public struct GaussianDenoiser: Denoiser {
    /// The data law under one prompt.
    public struct Law: Sendable {
        /// Per-pixel mean, `[3, H, W]`.
        public var mean: Tensor
        /// Standard deviation, the same for every pixel.
        public var deviation: Float
        /// A fixed variance interpolator v in [-1, 1], `[3, H, W]`, returned whatever the
        /// input; nil for a model without variance channels.
        public var interpolator: Tensor? = nil

        /// A law from its parts.
        public init(mean: Tensor, deviation: Float, interpolator: Tensor? = nil) {
            self.mean = mean
            self.deviation = deviation
            self.interpolator = interpolator
        }
    }

    public let schedule: NoiseSchedule
    /// Prompt -> law; every prompt the samplers pass must be here, and either all laws
    /// have an interpolator or none has.
    public let laws: [String: Law]

    public init(schedule: NoiseSchedule = .squaredCosine(), laws: [String: Law]) {
        self.schedule = schedule
        self.laws = laws
    }

    /// A law with the same mean (and interpolator, if given) at every pixel of a
    /// `[3, height, width]` image.
    public static func uniform(mean: Float, deviation: Float, interpolator: Float? = nil, height: Int, width: Int) -> Law {
        Law(mean: Tensor(repeating: mean, shape: [3, height, width]), deviation: deviation,
            interpolator: interpolator.map { Tensor(repeating: $0, shape: [3, height, width]) })
    }

    public var displayName: String { "Gaussian test model" }
    public var identity: String { "gaussian-test" }

    public func predict(_ input: DenoiserInput) throws -> Prediction {
        let (x, timesteps, conditions) = (input.sample, input.timesteps, input.conditions)
        let batch = x.shape[0]
        let plane = x.count / batch
        guard timesteps.count == batch, conditions.count == batch else {
            throw DiffusionError.invalidInput(what: "GaussianDenoiser", reason: "\(batch) images, \(timesteps.count) timesteps, \(conditions.count) conditions")
        }
        var noise = [Float](repeating: 0, count: x.count)
        var variances = [Tensor]()
        for b in 0..<batch {
            guard let law = laws[conditions[b].prompt] else {
                throw DiffusionError.invalidInput(what: "GaussianDenoiser", reason: "no law for prompt \"\(conditions[b].prompt)\"")
            }
            guard law.mean.count == plane else {
                throw DiffusionError.invalidInput(what: "GaussianDenoiser", reason: "mean \(Tensor.format(law.mean.shape)) for images \(Tensor.format(x.shape))")
            }
            if let v = law.interpolator { variances.append(v) }
            let a = schedule.alphaBar(timesteps[b])
            let s2 = law.deviation * law.deviation
            let gain = (1 - a).squareRoot() / (a * s2 + 1 - a)
            let root = a.squareRoot()
            for i in 0..<plane {
                noise[b * plane + i] = gain * (x.scalars[b * plane + i] - root * law.mean.scalars[i])
            }
        }
        guard variances.isEmpty || variances.count == batch else {
            throw DiffusionError.invalidInput(what: "GaussianDenoiser", reason: "some laws have an interpolator and some not")
        }
        let variance = variances.isEmpty ? nil : try Tensor.stack(variances).reshaped(x.shape)
        return Prediction(noise: Tensor(shape: x.shape, scalars: noise), variance: variance)
    }
}
