import Diffusion
import Tensor

/// DeepFloyd IF stage II behind the `Denoiser` seam: the sample and the noised upscaled
/// low-resolution image go in side by side (6 channels), the noise level as the class label;
/// channels 0-2 of the output are the noise estimate, 3-5 the variance interpolator.
public struct SuperResolutionDenoiser: Denoiser {
    /// The stage II UNet.
    public let unet: IFUNet
    /// The schedule from the model's scheduler_config.json.
    public let schedule: NoiseSchedule
    /// A short name shown on pages, e.g. "DeepFloyd IF-II-L v1.0 (fp16)".
    public let displayName: String
    /// A stable identity for cache keys (the weights digest).
    public let identity: String
    /// The prompts' projections, shared by the steps of a sampling loop.
    let textCache = TextConditioningCache()

    /// A denoiser running `unet`, which must embed class labels and take 6 channels.
    public init(unet: IFUNet, schedule: NoiseSchedule, displayName: String, identity: String) throws {
        guard unet.config.classEmbedsTimestep, unet.config.inChannels == 6 else {
            throw DiffusionError.invalidInput(what: "stage II UNet",
                                              reason: "needs class_embed_type \"timestep\" and 6 input channels, got \(unet.config.inChannels)")
        }
        self.unet = unet
        self.schedule = schedule
        self.displayName = displayName
        self.identity = identity
    }

    public func predict(_ input: DenoiserInput) throws -> Prediction {
        try input.checkBatch()
        guard let low = input.lowResolution, let levels = input.noiseLevels else {
            throw DiffusionError.invalidInput(what: "predict", reason: "stage II refines an image: give the noised upscaled image and its noise level")
        }
        let x = try Tensor.concatenate([input.sample, low], axis: 1)                       // [B, 6, H, W]
        let text = try textCache.conditioning(for: unet.textStates(input.conditions), make: unet.textConditioning)
        let output = try unet.forward(x, conditioning: unet.conditioning(timesteps: input.timesteps, text: text, classLabels: levels))
        let parts = output.splitChannels(at: input.sample.shape[1])
        return Prediction(noise: parts.0, variance: parts.1)
    }
}
