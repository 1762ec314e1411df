import Imaging
import Tensor

/// Super-resolution (DeepFloyd IF stage II, diffusers' `IFSuperResolutionPipeline`): a
/// small image upscaled, noised to a noise level, and refined by a model that sees it beside
/// the sample it denoises.
extension Sampler {
    /// diffusers' "leading" timesteps for `steps` inference steps over `trainTimesteps`:
    /// `(steps - 1) r, ..., r, 0` with `r = trainTimesteps / steps`, then -1 so the last step
    /// (from t = 0) returns the clean estimate.
    public static func leadingTimesteps(steps: Int, trainTimesteps: Int = 1000) -> [Int] {
        let ratio = trainTimesteps / max(steps, 1)
        return (0..<steps).reversed().map { $0 * ratio } + [-1]
    }

    /// `image` (`[B, 3, h, w]`, model range) upscaled to the model's `side` with corners
    /// aligned, and noised to `noiseLevel` by `imageNoising` (a plain DDPM schedule) with
    /// `noise`: what stage II sees beside its sample.
    public static func noisedUpscale(_ image: Tensor, side: Int, noiseLevel: Int, imageNoising: NoiseSchedule,
                                     noise: Tensor) throws -> (upscaled: Tensor, noised: Tensor) {
        let upscaled = try image.upscaledAligningCorners(height: side, width: side)
        guard imageNoising.contains(noiseLevel) else {
            throw DiffusionError.invalidInput(what: "noiseLevel", reason: "\(noiseLevel) is outside 0..<\(imageNoising.trainTimesteps)")
        }
        return (upscaled, Sampling.forward(upscaled, t: noiseLevel, noise: noise, schedule: imageNoising))
    }

    /// Classifier-free guidance for super-resolution, as the pipeline computes it: one
    /// batched call with the unconditional half first, `eps_u + gamma (eps_c - eps_u)`, and
    /// the variance of the conditional half. `lowResolution` is the noised upscaled image
    /// (`[B, 3, H, W]`), `noiseLevel` its noise level.
    public func superResolution(_ condition: Condition, unconditional: Condition, guidance: Float,
                                lowResolution: Tensor, noiseLevel: Int) -> Estimator {
        { x, t in
            let batch = x.shape[0]
            let sample = try Tensor.stack((0..<batch).map { x.slice($0) } + (0..<batch).map { x.slice($0) })
            let low = try Tensor.stack((0..<batch).map { lowResolution.slice($0) } + (0..<batch).map { lowResolution.slice($0) })
            let input = DenoiserInput(sample: sample, timesteps: Array(repeating: t, count: 2 * batch),
                                      conditions: Array(repeating: unconditional, count: batch) + Array(repeating: condition, count: batch),
                                      lowResolution: low, noiseLevels: Array(repeating: noiseLevel, count: 2 * batch))
            let prediction = try self.denoiser.predict(input)
            let u = try prediction.noise.items(0..<batch)
            let c = try prediction.noise.items(batch..<(2 * batch))
            let guided = u + guidance * (c - u)
            let variance = try prediction.variance.map { v in try v.items(batch..<(2 * batch)) }
            return (guided, variance)
        }
    }
}
