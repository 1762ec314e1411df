import Tensor

/// SDEdit (the course's 1.7): noise an image part of the way, then denoise it back.
extension Sampler {
    /// `image` (`[B, 3, H, W]`, model range) noised to `timesteps[iStart]` by the forward
    /// process (A.1), with noise drawn from `random`: the start of an SDEdit run.
    public func sdeditStart<Noise: GaussianSource>(_ image: Tensor, iStart: Int, random: inout Noise) throws -> Tensor {
        guard iStart >= 0, iStart < timesteps.count - 1 else {
            throw DiffusionError.invalidInput(what: "iStart", reason: "\(iStart) is outside 0..<\(timesteps.count - 1)")
        }
        return Sampling.forward(image, t: timesteps[iStart], noise: random.normal(shape: image.shape), schedule: schedule)
    }

    /// SDEdit with classifier-free guidance: `image` noised to `timesteps[iStart]`, then
    /// denoised from there to 0. A small `iStart` (much noise) keeps little of the image; an
    /// `iStart` near the end changes it only by about the noise level of its timestep.
    public func sdedit(_ image: Tensor, iStart: Int, condition: Condition, unconditional: Condition,
                       guidance: Float, random: inout some GaussianSource) throws -> Tensor {
        let start = try sdeditStart(image, iStart: iStart, random: &random)
        return try denoise(start, iStart: iStart, random: &random,
                           estimate: guided(condition, unconditional: unconditional, guidance: guidance)).image
    }
}
