import Diffusion

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
