import Tensor

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

    /// A denoiser running `unet` with `schedule` (from the model's scheduler_config.json).
    public init(unet: IFUNet, schedule: NoiseSchedule, displayName: String, identity: String) {
        self.unet = unet
        self.schedule = schedule
        self.displayName = displayName
        self.identity = identity
    }

    /// `x` `[B, 3, H, W]`; each condition must carry its `[tokens, text width]` embedding.
    public func predict(_ x: Tensor, timesteps: [Int], conditions: [Condition]) throws -> Prediction {
        guard x.rank == 4, timesteps.count == x.shape[0], conditions.count == x.shape[0] else {
            throw DiffusionError.invalidInput(what: "predict",
                                              reason: "\(timesteps.count) timesteps and \(conditions.count) conditions for a batch shaped \(Tensor.format(x.shape))")
        }
        for t in timesteps where !schedule.contains(t) {
            throw DiffusionError.invalidInput(what: "predict", reason: "timestep \(t) is outside 0..<\(schedule.trainTimesteps)")
        }
        let width = unet.config.textEmbedDim
        var embeddings = [Tensor]()
        for condition in conditions {
            guard let e = condition.embedding else { throw DiffusionError.missingEmbedding(prompt: condition.prompt) }
            guard e.rank == 2, e.shape[1] == width else {
                throw DiffusionError.invalidInput(what: "embedding of \"\(condition.prompt)\"",
                                                  reason: "expected [tokens, \(width)], got \(Tensor.format(e.shape))")
            }
            embeddings.append(e)
        }
        let text = try Tensor.stack(embeddings)                              // [B, L, width]
        let output = try unet.forward(x, timesteps: timesteps, encoderHiddenStates: text)  // [B, 6, H, W]
        let channels = output.shape[1]
        guard channels == 2 * x.shape[1] else {
            throw DiffusionError.invalidInput(what: "predict", reason: "the UNet gives \(channels) channels; noise and variance need \(2 * x.shape[1])")
        }
        let parts = try IFDenoiser.splitChannels(output, at: x.shape[1])
        return Prediction(noise: parts.0, variance: parts.1)
    }

    /// `[B, C, H, W]` split into channels `0..<k` and `k..<C`.
    static func splitChannels(_ x: Tensor, at k: Int) throws -> (Tensor, Tensor) {
        let (batch, channels) = (x.shape[0], x.shape[1])
        let plane = x.count / Swift.max(batch * channels, 1)
        var first = [Float](), second = [Float]()
        first.reserveCapacity(batch * k * plane)
        second.reserveCapacity(batch * (channels - k) * plane)
        for b in 0..<batch {
            let base = b * channels * plane
            first.append(contentsOf: x.scalars[base..<(base + k * plane)])
            second.append(contentsOf: x.scalars[(base + k * plane)..<(base + channels * plane)])
        }
        let rest = Array(x.shape.dropFirst(2))
        return (Tensor(shape: [batch, k] + rest, scalars: first), Tensor(shape: [batch, channels - k] + rest, scalars: second))
    }
}
