import Diffusion
import Tensor

/// DeepFloyd IF stage II ready to run: the super-resolution denoiser, the side it refines
/// to, and the plain schedule that noises the upscaled image to its noise level.
public struct Upsampler: Sendable {
    /// The stage II denoiser (`SuperResolutionDenoiser`).
    public var denoiser: any Denoiser
    /// The side of the images it makes (256 for IF-II-L and IF-II-M).
    public var side: Int
    /// The schedule of `image_noising_scheduler` (plain squared cosine), used once to noise
    /// the upscaled input.
    public var imageNoising: NoiseSchedule

    /// An upsampler from its parts.
    public init(denoiser: any Denoiser, side: Int, imageNoising: NoiseSchedule) {
        self.denoiser = denoiser
        self.side = side
        self.imageNoising = imageNoising
    }

    /// `image` (`[1, 3, h, w]`, model range) as stage II sees it beside its sample: upscaled
    /// to `side` with corners aligned and noised to `noiseLevel` with `noise`.
    public func lowResolution(_ image: Tensor, noiseLevel: Int, noise: Tensor) throws -> Tensor {
        try Sampler.noisedUpscale(image, side: side, noiseLevel: noiseLevel, imageNoising: imageNoising, noise: noise).noised
    }

    /// The sampler of `IFSuperResolutionPipeline`: `steps` leading timesteps, the scheduler's
    /// own step (learned range, dynamic thresholding).
    public func sampler(steps: Int) throws -> Sampler {
        try Sampler(denoiser: denoiser, timesteps: Sampler.leadingTimesteps(steps: steps), rule: .scheduler)
    }
}

/// The stage II model a notebook would upsample with, found before any cell runs and loaded
/// only when a cell first upsamples.
public struct UpsamplerChoice: Sendable {
    /// The name shown on pages ("DeepFloyd IF-II-L v1.0 (fp16)").
    public var displayName: String
    /// A stable identity for cache keys (the weights digest).
    public var identity: String
    /// Loads the model (once per run).
    public var load: @Sendable () throws -> Upsampler

    /// A choice from its parts.
    public init(displayName: String, identity: String, load: @escaping @Sendable () throws -> Upsampler) {
        self.displayName = displayName
        self.identity = identity
        self.load = load
    }
}
