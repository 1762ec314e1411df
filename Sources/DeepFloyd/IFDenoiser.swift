import Tensor
import Diffusion
import NN

/// DeepFloyd IF stage I behind the `Denoiser` seam: channels 0-2 of the UNet output are
/// the noise estimate, 3-5 the learned_range variance interpolator.
public struct IFDenoiser: Denoiser {
    /// The UNet.
    public let unet: IFUNet
    /// The schedule from the model's scheduler_config.json.
    public let schedule: NoiseSchedule
    /// A short name shown on pages, e.g. "DeepFloyd IF-I-L v1.0 (fp16)".
    public let displayName: String
    /// A stable identity for cache keys (the weights digest).
    public let identity: String
    /// The prompts' projections, shared by the steps of a sampling loop.
    let textCache = TextConditioningCache()

    /// A denoiser running `unet` with `schedule` (from the model's scheduler_config.json).
    public init(unet: IFUNet, schedule: NoiseSchedule, displayName: String, identity: String) {
        self.unet = unet
        self.schedule = schedule
        self.displayName = displayName
        self.identity = identity
    }

    /// `x` `[B, 3, H, W]`; each condition must carry its `[tokens, text width]` embedding.
    public func predict(_ input: DenoiserInput) throws -> Prediction {
        try input.checkBatch()
        let (x, timesteps, conditions) = (input.sample, input.timesteps, input.conditions)
        guard input.lowResolution == nil, input.noiseLevels == nil else {
            throw DiffusionError.invalidInput(what: "predict", reason: "stage I generates from text alone; it takes no low-resolution image")
        }
        for t in timesteps where !schedule.contains(t) {
            throw DiffusionError.invalidInput(what: "predict", reason: "timestep \(t) is outside 0..<\(schedule.trainTimesteps)")
        }
        let text = try textCache.conditioning(for: unet.textStates(conditions), make: unet.textConditioning)
        let output = try unet.forward(x, conditioning: unet.conditioning(timesteps: timesteps, text: text))  // [B, 6, H, W]
        let channels = output.shape[1]
        guard channels == 2 * x.shape[1] else {
            throw DiffusionError.invalidInput(what: "predict", reason: "the UNet gives \(channels) channels; noise and variance need \(2 * x.shape[1])")
        }
        let parts = output.splitChannels(at: x.shape[1])
        return Prediction(noise: parts.0, variance: parts.1)
    }
}
