import Tensor
import Diffusion

/// The local score machine of Kamb and Ganguli ("An analytic theory of creativity in
/// convolutional diffusion models", arXiv 2412.20292) over the built-in set: a closed-form
/// denoiser that makes new images out of training patches.
///
/// Each output pixel p of the clean estimate is a softmax-weighted average of pixel p of
/// the prompt's training images, the weights coming from how well the k x k patch of x_t
/// around p matches sqrt(abar_t) times the same patch of each image:
/// x0_hat(p) = sum_i w_i(p) x_i(p), w(p) = softmax_i(log pi_i - |P_p x_t - sqrt(abar_t) P_p x_i|^2 / (2 (1 - abar_t))).
/// Neighbouring pixels may follow different images, so samples are mosaics of locally
/// consistent patches. Patches only take pixels inside the image (the same as zero
/// padding both sides), so when k covers the whole image (k >= 2S - 1) every pixel sees
/// the whole image and the machine is the exact posterior mean.
///
/// The prior is uniform over the prompt's matched subset, so only that subset is visited;
/// no approximation is made. There is no variance output (`Prediction.variance` is nil).
public struct LocalScoreDenoiser: Denoiser {
    /// The images and captions.
    public let set: EmojiSet
    /// Turns prompts into priors over `set`.
    public let matcher: PromptMatcher
    /// The noise schedule (IF's cosine schedule, fixed posterior variance: `NoiseSchedule.builtin()`).
    public let schedule: NoiseSchedule
    /// The patch size at each timestep.
    public let patchSchedule: PatchSchedule

    /// The local score machine of `set` with patch sizes from `patchSchedule`.
    public init(set: EmojiSet, patchSchedule: PatchSchedule = .emoji64,
                schedule: NoiseSchedule = .builtin()) {
        self.set = set
        self.matcher = PromptMatcher(set: set)
        self.schedule = schedule
        self.patchSchedule = patchSchedule
    }

    /// "built-in emoji model (local score)".
    public var displayName: String { "built-in emoji model (local score)" }

    /// The built-in version, the atlas digest, the set's size and the patch schedule.
    public var identity: String {
        BuiltinModel.identity(kind: "local-score", set: set, extra: "patches:\(patchSchedule)")
    }

    /// The patch side used at timestep `t`.
    public func patchSize(_ t: Int) -> Int { patchSchedule.patchSize(t) }

    /// The prior `prompt` puts on the set's images.
    public func match(_ prompt: String) -> PromptMatch { matcher.match(prompt) }

    /// Predicts the noise in `x` (`[B, 3, S, S]`) from the local score machine's clean estimate.
    public func predict(_ input: DenoiserInput) throws -> Prediction {
        let (x, timesteps, conditions) = (input.sample, input.timesteps, input.conditions)
        let batch = try BuiltinBatch(x, timesteps: timesteps, conditions: conditions,
                                     side: set.side, schedule: schedule)
        let clean = cleanEstimate(x, batch: batch, timesteps: timesteps, conditions: conditions)
        return Prediction(noise: batch.noise(x: x, clean: clean), variance: nil)
    }

    /// The clean-image estimate x0_hat for every element, `[B, 3, S, S]`.
    public func denoised(_ x: Tensor, timesteps: [Int], conditions: [Condition]) throws -> Tensor {
        let batch = try BuiltinBatch(x, timesteps: timesteps, conditions: conditions,
                                     side: set.side, schedule: schedule)
        return cleanEstimate(x, batch: batch, timesteps: timesteps, conditions: conditions)
    }

    /// The clean-image estimate of a checked batch, `[B, 3, S, S]`.
    func cleanEstimate(_ x: Tensor, batch: BuiltinBatch, timesteps: [Int], conditions: [Condition]) -> Tensor {
        let plane = 3 * set.side * set.side
        var out = [Float]()
        out.reserveCapacity(batch.count * plane)
        for b in 0..<batch.count {
            let image = Array(x.scalars[(b * plane)..<((b + 1) * plane)])
            let subset = matcher.match(conditions[b].prompt).indices
            out += localMean(image, alphaBar: batch.alphaBars[b], patch: patchSize(timesteps[b]), subset: subset)
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
