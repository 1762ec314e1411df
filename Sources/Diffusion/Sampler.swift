import Tensor

/// The course's sampling loops, written once against `Denoiser`: one-step denoising (A.2),
/// iterative DDPM denoising over strided timesteps (A.3), classifier-free guidance (A.4),
/// SDEdit, inpainting (A.5), visual anagrams and factorized hybrids.
///
/// Images are in the model range [-1, 1], shaped `[B, 3, H, W]`. Randomness comes only from
/// the `SeededRandom` passed in.
public struct Sampler: Sendable {
    /// The model.
    public let denoiser: any Denoiser
    /// The strided timesteps, decreasing, ending at 0 (990, 960, ..., 0 by default).
    public let timesteps: [Int]
    /// How each reverse step treats the x0 estimate.
    public let rule: StepRule
    /// Called after each step with (steps done, steps in all).
    public var progress: @Sendable (Int, Int) -> Void = { _, _ in }
    /// Polled before each step; true stops the loop with `DiffusionError.cancelled`.
    public var isCancelled: @Sendable () -> Bool = { false }
    /// The most samples that loops run together pass to one estimate (twice as many model
    /// items under guidance). Measured on IF-I-M at 64x64 (`bench forward --step`, 2-core
    /// AVX-512, 2026-12-07): a step cost 0.72-0.78 s an image at batch 2 and 0.58-0.80 s (most
    /// runs 0.60-0.70) from batch 4 to 16, with no trend past 4; the cap also bounds the
    /// activations' memory.
    public var maxBatch = 8

    /// Which scheduler settings the reverse step follows.
    public enum StepRule: Sendable {
        /// The course's loop (A.3): the posterior mean of the raw x0 estimate, no
        /// thresholding or clipping, with the model's variance.
        case course
        /// The model's `scheduler_config.json` as it is (DeepFloyd IF: dynamic thresholding),
        /// as diffusers' `DDPMScheduler.step` runs it.
        case scheduler
    }

    /// A sampler over `timesteps` (checked: strictly decreasing, within the schedule, ending at 0).
    public init(denoiser: any Denoiser, timesteps: [Int] = NoiseSchedule.stridedTimesteps(), rule: StepRule = .course) throws {
        // A list ends at 0 (the course's loops), or at -1 after 0: the last step, from t = 0,
        // then returns the clean estimate itself (diffusers' loops over all its timesteps).
        guard let last = timesteps.last, last == 0 || (last == -1 && timesteps.dropLast().last == 0), timesteps.count >= 2 else {
            throw DiffusionError.invalidInput(what: "timesteps", reason: "need at least two, ending at 0 (or at 0 then -1), got \(timesteps)")
        }
        for (a, b) in zip(timesteps, timesteps.dropFirst()) where b >= a {
            throw DiffusionError.invalidInput(what: "timesteps", reason: "must strictly decrease, got \(a) then \(b)")
        }
        guard let first = timesteps.first, denoiser.schedule.contains(first) else {
            throw DiffusionError.invalidInput(what: "timesteps", reason: "\(timesteps.first ?? -1) is outside 0..<\(denoiser.schedule.trainTimesteps)")
        }
        self.denoiser = denoiser
        self.timesteps = timesteps
        self.rule = rule
        var configuration = denoiser.schedule.configuration
        if rule == .course {
            configuration.thresholding = false
            configuration.clipSample = false
        }
        self.stepSchedule = denoiser.schedule.with(configuration: configuration)
    }

    /// The model's schedule with the settings of `rule`: the one place a reverse step's
    /// arithmetic is configured.
    private let stepSchedule: NoiseSchedule

    /// The schedule of the model.
    public var schedule: NoiseSchedule { denoiser.schedule }

    /// How the loop estimates the noise at a step: the noise (and variance interpolator,
    /// if the model has one) for `x` at timestep `t`.
    public typealias Estimator = (_ x: Tensor, _ t: Int) throws -> (noise: Tensor, variance: Tensor?)

    /// One-step denoising (A.2): the clean-image estimate from a single noise prediction.
    public func oneStepDenoise(_ xt: Tensor, t: Int, condition: Condition) throws -> Tensor {
        let batch = xt.shape[0]
        let prediction = try denoiser.predict(xt, timesteps: Array(repeating: t, count: batch),
                                              conditions: Array(repeating: condition, count: batch))
        return schedule.predictX0(xt, noise: prediction.noise, t: t)
    }

    /// One reverse step t -> `previous` from the model's estimate, as diffusers'
    /// `DDPMScheduler.step` takes it under this sampler's rule. A model that predicts no
    /// variance channels steps with the posterior variance (`fixed_small`).
    public func step(_ x: Tensor, noise: Tensor, variance: Tensor?, t: Int, previous: Int,
                     sampleNoise z: Tensor) throws -> NoiseSchedule.StepResult {
        var schedule = stepSchedule
        if variance == nil, schedule.configuration.varianceType == .learnedRange {
            var configuration = schedule.configuration
            configuration.varianceType = .fixedSmall
            schedule = schedule.with(configuration: configuration)
        }
        return try schedule.step(sample: x, noise: noise, variance: variance, t: t, previous: previous, sampleNoise: z)
    }

    /// Iterative denoising from `timesteps[iStart]` down to 0 with `estimate` giving the noise
    /// at each step, one `step` per pair of timesteps. After each step, `afterStep` may
    /// replace the new sample (inpainting). Returns the clean image and the intermediate
    /// samples after every `keepEvery`-th step (with the step's timestep).
    public func denoise<Noise: GaussianSource>(_ x: Tensor, iStart: Int, keepEvery: Int? = nil, random: inout Noise,
                                               estimate: Estimator,
                                               afterStep: ((_ x: Tensor, _ t: Int, _ random: inout Noise) throws -> Tensor)? = nil)
        throws -> (image: Tensor, intermediates: [(t: Int, image: Tensor)]) {
        var loops = [Loop(x, iStart: iStart, random: random)]
        let results = try denoise(&loops, keepEvery: keepEvery, estimate: estimate,
                                  afterStep: afterStep.map { step in { _, x, t, random in try step(x, t, &random) } })
        random = loops[0].random
        return results[0]
    }

    /// One of several independent denoising loops run together: its samples, where it starts,
    /// and its own random source.
    public struct Loop<Noise: GaussianSource> {
        /// The current samples, `[B, 3, H, W]`.
        public var x: Tensor
        /// The index into `timesteps` the loop starts at.
        public let iStart: Int
        /// Where this loop's step noise comes from.
        public var random: Noise

        /// A loop starting from `x` at `timesteps[iStart]`.
        public init(_ x: Tensor, iStart: Int, random: Noise) {
            self.x = x
            self.iStart = iStart
            self.random = random
        }
    }

    /// Several loops in one: at each timestep, every loop that has started is stepped from one
    /// `estimate` of all their samples together (a loop starting later joins at its start; past
    /// `maxBatch` samples, from one estimate per group of loops), and
    /// each draws its step noise from its own source and steps on its own. Each loop's result
    /// is the one it would have alone, bit for bit, provided `estimate` gives every batch item
    /// what it would give it alone (the models do). `afterStep` gets the loop's index.
    public func denoise<Noise: GaussianSource>(_ loops: inout [Loop<Noise>], keepEvery: Int? = nil, estimate: Estimator,
                                               afterStep: ((_ loop: Int, _ x: Tensor, _ t: Int, _ random: inout Noise) throws -> Tensor)? = nil)
        throws -> [(image: Tensor, intermediates: [(t: Int, image: Tensor)])] {
        for loop in loops where loop.iStart < 0 || loop.iStart >= timesteps.count - 1 {
            throw DiffusionError.invalidInput(what: "iStart", reason: "\(loop.iStart) is outside 0..<\(timesteps.count - 1)")
        }
        guard let first = loops.map(\.iStart).min() else { return [] }
        var kept = [[(t: Int, image: Tensor)]](repeating: [], count: loops.count)
        let total = timesteps.count - 1 - first
        for i in first..<(timesteps.count - 1) {
            if isCancelled() { throw DiffusionError.cancelled }
            let (t, previous) = (timesteps[i], timesteps[i + 1])
            for group in Self.groups(loops.indices.filter { loops[$0].iStart <= i }.map { ($0, loops[$0].x.shape[0]) },
                                     maxBatch: maxBatch) {
                let batch = group.count == 1 ? loops[group[0]].x : try Tensor.concatenate(group.map { loops[$0].x }, axis: 0)
                let (noise, variance) = try estimate(batch, t)
                var offset = 0
                for l in group {
                    let items = loops[l].x.shape[0]
                    let part = offset..<(offset + items)
                    offset += items
                    let x = loops[l].x
                    // A step from t = 0 adds no noise (diffusers draws none there either).
                    let z = t > 0 ? loops[l].random.normal(shape: x.shape) : Tensor(zeros: x.shape)
                    var next = try step(x, noise: noise.items(part), variance: variance?.items(part), t: t, previous: previous,
                                        sampleNoise: z).previousSample
                    if let afterStep { next = try afterStep(l, next, previous, &loops[l].random) }
                    loops[l].x = next
                    let done = i - loops[l].iStart + 1
                    if let keepEvery, keepEvery > 0, done % keepEvery == 0 { kept[l].append((previous, next)) }
                }
            }
            progress(i - first + 1, total)
        }
        return loops.indices.map { (loops[$0].x, kept[$0]) }
    }

    /// The loops `running` (index, samples) in order, cut into groups of at most `maxBatch`
    /// samples (a loop with more runs alone).
    static func groups(_ running: [(loop: Int, items: Int)], maxBatch: Int) -> [[Int]] {
        var groups = [[Int]](), current = [Int](), items = 0
        for (loop, n) in running {
            if !current.isEmpty, items + n > maxBatch {
                groups.append(current)
                (current, items) = ([], 0)
            }
            current.append(loop)
            items += n
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// The model's plain conditional estimate for every batch item.
    public func conditional(_ condition: Condition) -> Estimator {
        { x, t in
            let batch = x.shape[0]
            let p = try denoiser.predict(x, timesteps: Array(repeating: t, count: batch),
                                         conditions: Array(repeating: condition, count: batch))
            return (p.noise, p.variance)
        }
    }

    /// Classifier-free guidance (A.4): `eps_u + gamma (eps_c - eps_u)` with the variance of the
    /// conditional pass; both passes in one batched call.
    public func guided(_ condition: Condition, unconditional: Condition, guidance: Float) -> Estimator {
        { x, t in
            let estimate = try self.guidedEstimates(x, t: t, pairs: [(condition, .identity)], unconditional: unconditional,
                                                    guidance: guidance)[0]
            return (estimate.noise, estimate.variance)
        }
    }

    /// Visual anagrams: the guided estimate of each (condition, view) on the viewed image,
    /// mapped back through the view's inverse and averaged. All passes in one batched call.
    public func anagram(_ pairs: [(Condition, ImageView)], unconditional: Condition, guidance: Float) -> Estimator {
        { x, t in
            guard !pairs.isEmpty else { throw DiffusionError.invalidInput(what: "anagram", reason: "needs at least one (prompt, view) pair") }
            let estimates = try self.guidedEstimates(x, t: t, pairs: pairs, unconditional: unconditional, guidance: guidance)
            var noise = Tensor(zeros: x.shape)
            var variance: Tensor? = estimates.first?.variance == nil ? nil : Tensor(zeros: x.shape)
            for estimate in estimates {
                noise = noise + estimate.noise
                if let v = estimate.variance, let sum = variance { variance = sum + v }
            }
            let scale = 1 / Float(pairs.count)
            return (noise * scale, variance.map { $0 * scale })
        }
    }

    /// Factorized hybrids: the low frequencies of the first prompt's guided estimate plus the
    /// high frequencies of the second's; `lowPass` is the filter (a Gaussian blur). Both
    /// prompts' passes in one batched call.
    public func hybrid(low: Condition, high: Condition, unconditional: Condition, guidance: Float,
                       lowPass: @escaping (Tensor) throws -> Tensor) -> Estimator {
        { x, t in
            let estimates = try self.guidedEstimates(x, t: t, pairs: [(low, .identity), (high, .identity)],
                                                     unconditional: unconditional, guidance: guidance)
            let (e1, e2) = (estimates[0].noise, estimates[1].noise)
            let low1 = try lowPass(e1)
            let high2 = e2 - (try lowPass(e2))
            var variance: Tensor?
            if let v1 = estimates[0].variance, let v2 = estimates[1].variance { variance = (v1 + v2) * 0.5 }
            return (low1 + high2, variance)
        }
    }

    /// The guided estimate of each (condition, view) pair, mapped back through the view's
    /// inverse: one model call of batch 2 x pairs x B.
    private func guidedEstimates(_ x: Tensor, t: Int, pairs: [(Condition, ImageView)], unconditional: Condition,
                                 guidance: Float) throws -> [(noise: Tensor, variance: Tensor?)] {
        let batch = x.shape[0]
        var inputs = [Tensor]()
        var conditions = [Condition]()
        for (condition, view) in pairs {
            let viewed = try view.apply(x)
            for b in 0..<batch { inputs.append(viewed.slice(b)); conditions.append(condition) }
            for b in 0..<batch { inputs.append(viewed.slice(b)); conditions.append(unconditional) }
        }
        let prediction = try denoiser.predict(try Tensor.stack(inputs), timesteps: Array(repeating: t, count: inputs.count),
                                              conditions: conditions)
        return try pairs.enumerated().map { p, pair in
            let view = pair.1
            let base = p * 2 * batch
            let c = try prediction.noise.items(base..<(base + batch))
            let u = try prediction.noise.items((base + batch)..<(base + 2 * batch))
            let guided = Tensor.linearCombination(1 - guidance, u, guidance, c)
            // The variance interpolator is a per-pixel quantity: it moves with the pixels,
            // but negation does not apply to it.
            let variance = try prediction.variance.map { v in
                let vc = try v.items(base..<(base + batch))
                return view == .negate ? vc : try view.inverse.apply(vc)
            }
            return (try view.inverse.apply(guided), variance)
        }
    }
}

extension Tensor {
    /// Items `range` of the leading axis (the whole tensor when that is all of them): one
    /// half of a guided batch, or one loop's part of a batch run together.
    func items(_ range: Range<Int>) throws -> Tensor {
        if range == 0..<shape[0] { return self }
        return try Tensor.stack(range.map { slice($0) })
    }
}
