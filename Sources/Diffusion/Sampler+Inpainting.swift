import Tensor

/// Inpainting (the course's A.5, after RePaint): new content where the mask is 1, the
/// original where it is 0.
extension Sampler {
    /// The A.5 replacement to pass as `denoise(afterStep:)`: after the step to t', keep the
    /// sample where `mask` is 1 and put `forward(original, t')` where it is 0.
    ///
    /// At the last step (t' = 0) the original itself is put back rather than
    /// `forward(original, 0)`: abar_0 is just below 1, so the forward process would leave a
    /// trace of noise (std sqrt(1 - abar_0), about 0.006 for IF) on pixels the mask says to
    /// keep. With the original itself they end exactly as they were.
    ///
    /// `original` is `[B, 3, H, W]`; `mask` broadcasts against it (`[H, W]`, `[1, 1, H, W]`,
    /// `[1, 3, H, W]`, ...).
    public func inpaintingStep<Noise: GaussianSource>(original: Tensor, mask: Tensor, noise: Noise.Type = SeededRandom.self) throws
        -> (_ x: Tensor, _ t: Int, _ random: inout Noise) throws -> Tensor {
        let broadcast: [Int]
        do {
            broadcast = try Tensor.broadcastShape(original.shape, mask.shape, operation: "inpaint")
        } catch {
            throw DiffusionError.invalidInput(what: "inpaint mask",
                                              reason: "shape \(Tensor.format(mask.shape)) does not fit the image \(Tensor.format(original.shape))")
        }
        guard broadcast == original.shape else {
            throw DiffusionError.invalidInput(what: "inpaint mask",
                                              reason: "shape \(Tensor.format(mask.shape)) is larger than the image \(Tensor.format(original.shape))")
        }
        let keep = Tensor(scalar: 1) - mask
        let schedule = self.schedule
        return { x, t, random in
            guard x.shape == original.shape else {
                throw DiffusionError.invalidInput(what: "inpaint",
                                                  reason: "sample \(Tensor.format(x.shape)) and original \(Tensor.format(original.shape)) differ in shape")
            }
            let known = t == 0
                ? original
                : Sampling.forward(original, t: t, noise: random.normal(shape: original.shape), schedule: schedule)
            // m x + (1 - m) known: where m is 0 this is 0 + 1 * known, exactly `known`.
            return mask * x + keep * known
        }
    }

    /// Inpaints `original` (`[B, 3, H, W]`, model range) where `mask` is 1: samples from pure
    /// noise with classifier-free guidance over all the timesteps, applying `inpaintingStep`
    /// after every step. Pixels where the mask is 0 come back equal to `original`.
    public func inpaint<Noise: GaussianSource>(original: Tensor, mask: Tensor, condition: Condition, unconditional: Condition,
                                               guidance: Float, random: inout Noise) throws -> Tensor {
        let constrain = try inpaintingStep(original: original, mask: mask, noise: Noise.self)
        let start = random.normal(shape: original.shape)
        return try denoise(start, iStart: 0, random: &random,
                           estimate: guided(condition, unconditional: unconditional, guidance: guidance),
                           afterStep: constrain).image
    }
}
