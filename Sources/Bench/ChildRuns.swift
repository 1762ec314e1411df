import DeepFloyd
import Diffusion
import EmojiModel
import NN
import Pipeline
import Foundation
import Imaging
import Tensor
import Weights

/// `bench forward`: one model size at one batch size, random weights, 64x64, 77 tokens.
struct ForwardRun: BenchRun {
    let model: PublishedUNet
    let batch: Int
    let runs: Int
    let half: Bool
    /// Where to write the last pass's output (`.npy`), for comparing convolution algorithms.
    let save: String?
    let precision: BenchPrecision
    /// Time each pass as a step of a sampling loop: the prompts' projections made once,
    /// before the timed passes, as the denoisers keep them across steps (`--step`).
    let step: Bool

    init(options: inout Options) throws {
        guard let name = options.string("model"), let model = PublishedUNet.named(name) else {
            throw BenchError.usage("forward needs --model M, L or XL")
        }
        self.model = model
        batch = try options.int("batch", default: 1)
        runs = try options.int("runs", default: 5)
        half = options.flag("half")
        save = options.string("save")
        step = options.flag("step")
        precision = try BenchPrecision(options: &options)
    }

    func run() throws {
        let config = try model.config()
        let loadStart = ProcessStats.now
        let weights = try RandomWeights(config: config)
        let unet = try IFUNet(config: config, weights: weights, residency: precision.residency(half: half))
        let loadSeconds = ProcessStats.now - loadStart
        let times = try ForwardRun.time(unet, batch: batch, runs: runs, step: step, save: save)
        var line = ResultLine()
        line.add("kind", "forward")
        line.add("convolution", ConvolutionPolicy.current.name)
        line.add("sgemm_kernel", Float32Kernel.current.rawValue)
        line.add("precision", precision.name)
        line.add("model", model.name)
        line.add("batch", String(batch))
        line.add("pass", step ? "step" : "forward")
        ForwardRun.report(times, into: &line, flops: ForwardCost(config: config, side: config.sampleSize, tokens: 77).flopsPerItem * Double(batch))
        line.add("load_s", loadSeconds)
        line.add("weights_gb", Double(unet.weightByteCount) / 1e9)
        line.print()
    }

    /// Forward times (a warm-up first when `runs` > 1) on deterministic random inputs; with
    /// `step`, passes as a sampling loop's steps run them (the text projected once, untimed).
    static func time(_ unet: IFUNet, batch: Int, runs: Int, warmUp: Bool = true, step: Bool = false,
                     save: String? = nil) throws -> PassTimes {
        var random = SeededRandom(seed: 7)
        let side = unet.config.sampleSize
        let x = random.normal(shape: [batch, unet.config.inChannels, side, side])
        let text = random.normal(shape: [batch, 77, unet.config.textEmbedDim])
        let timesteps = [Int](repeating: 500, count: batch)
        // Stage II also sees the noise level of its upscaled input (the course's 250).
        let labels = unet.config.classEmbedsTimestep ? [Int](repeating: 250, count: batch) : nil
        let projected = step ? try unet.textConditioning(encoderHiddenStates: text) : nil
        func pass() throws -> Tensor {
            let text = try projected ?? unet.textConditioning(encoderHiddenStates: text)
            return try unet.forward(x, conditioning: unet.conditioning(timesteps: timesteps, text: text, classLabels: labels))
        }
        if warmUp { _ = try pass() }
        var times = PassTimes()
        for _ in 0..<runs {
            let (start, cpuStart, lanesStart) = (ProcessStats.now, ProcessStats.cpuSeconds, Parallel.laneTime)
            let out = try pass()
            times.wall.append(ProcessStats.now - start)
            times.cpu.append(ProcessStats.cpuSeconds - cpuStart)
            times.lanes.append(Parallel.laneTime - lanesStart)
            guard out.scalars.allSatisfy(\.isFinite) else {
                throw DiffusionError.invalidInput(what: "bench", reason: "the forward produced non-finite values")
            }
            if let save { try NPYFile.write(out, to: save) }
        }
        return times
    }

    /// Median, spread, throughput, CPU time, the lanes' use and peak memory of timed passes.
    static func report(_ runs: PassTimes, into line: inout ResultLine, flops: Double) {
        let times = runs.wall
        let median = ProcessStats.median(times)
        // CPU seconds per pass: on an idle 2-core machine about twice the wall time; when
        // other processes compete for the cores, wall time grows but this does not.
        line.add("cpu_s", ProcessStats.median(runs.cpu))
        line.add("seconds", median)
        line.add("min_s", times.min() ?? .nan)
        line.add("max_s", times.max() ?? .nan)
        line.add("runs", String(times.count))
        line.add("gflops", flops / 1e9)
        line.add("gflop_per_s", flops / median / 1e9)
        // The lanes' own account of the serial passes and hand-offs (see LaneTime).
        line.add("lane_work_s", ProcessStats.median(runs.laneWork))
        line.add("lane_fraction", ProcessStats.median(runs.laneFractions))
        line.add("rss_gb", Double(ProcessStats.peakResidentBytes) / 1e9)
    }
}

/// `bench sample`: a full classifier-free-guided sample (33 strided steps, each one batched
/// forward of the conditional and unconditional passes) with IF-I-M shapes.
struct SampleRun: BenchRun {
    let model: PublishedUNet
    let precision: BenchPrecision
    /// Where to write the sample (`.npy`, model range), for comparing precisions.
    let save: String?
    /// The course's loop (the default) or DeepFloyd's scheduler rule, whose dynamic
    /// thresholding keeps a random-weight model's sample in range (the course's loop lets it
    /// grow into the hundreds, where comparing two samples says nothing).
    let rule: Sampler.StepRule

    init(options: inout Options) throws {
        model = PublishedUNet.named(options.string("model") ?? "M") ?? .medium
        precision = try BenchPrecision(options: &options)
        save = options.string("save")
        switch options.string("rule") ?? "course" {
        case "course": rule = .course
        case "scheduler": rule = .scheduler
        case let other: throw BenchError.usage("--rule \(other): expected course or scheduler")
        }
    }

    func run() throws {
        let config = try model.config()
        let unet = try IFUNet(config: config, weights: try RandomWeights(config: config), residency: precision.residency(half: false))
        let denoiser = IFDenoiser(unet: unet, schedule: .squaredCosine(), displayName: model.name, identity: model.name)
        var random = SeededRandom(seed: 11)
        let prompt = Condition(prompt: "a rocket ship", embedding: random.normal(shape: [77, config.textEmbedDim]))
        let empty = Condition(prompt: "", embedding: random.normal(shape: [77, config.textEmbedDim]))
        let sampler = try Sampler(denoiser: denoiser, rule: rule)
        let x = random.normal(shape: [1, 3, 64, 64])
        let start = ProcessStats.now
        let result = try sampler.denoise(x, iStart: 0, random: &random,
                                         estimate: sampler.guided(prompt, unconditional: empty, guidance: 7))
        let seconds = ProcessStats.now - start
        var line = ResultLine()
        line.add("kind", "sample")
        line.add("model", model.name)
        line.add("steps", String(sampler.timesteps.count - 1))
        line.add("seconds", seconds)
        line.add("per_step_s", seconds / Double(sampler.timesteps.count - 1))
        line.add("finite", result.image.scalars.allSatisfy(\.isFinite) ? "yes" : "no")
        line.add("precision", precision.name)
        line.add("rule", rule == .course ? "course" : "scheduler")
        if let save { try NPYFile.write(result.image, to: save) }
        line.add("rss_gb", Double(ProcessStats.peakResidentBytes) / 1e9)
        line.print()
    }
}

/// `bench upsample`: one whole super-resolution (IF-II-L shapes, random weights): a 64x64
/// image upscaled to 256 and noised to level 250, then `steps` leading steps with CFG 4,
/// each one batched forward of the unconditional and conditional halves.
struct UpsampleRun: BenchRun {
    let steps: Int
    init(options: inout Options) throws {
        steps = try options.int("steps", default: 50)
    }

    func run() throws {
        let model = PublishedUNet.stageIILarge
        let config = try model.config()
        let loadStart = ProcessStats.now
        let unet = try IFUNet(config: config, weights: try RandomWeights(config: config), residency: .float32)
        let loadSeconds = ProcessStats.now - loadStart
        // IF's stage II scheduler (learned range, dynamic thresholding) and the plain schedule
        // that noises the upscaled image, as a snapshot without scheduler files gets them.
        let upsampler = Upsampler(denoiser: try SuperResolutionDenoiser(unet: unet, schedule: .squaredCosine(), displayName: model.name, identity: model.name),
                                  side: config.sampleSize, imageNoising: .squaredCosine())
        var random = SeededRandom(seed: 17)
        let prompt = Condition(prompt: "a rocket ship", embedding: random.normal(shape: [77, config.textEmbedDim]))
        let empty = Condition(prompt: "", embedding: random.normal(shape: [77, config.textEmbedDim]))
        let side = upsampler.side
        let low = random.normal(shape: [1, 3, 64, 64]).clamped(to: -1...1)
        let start = ProcessStats.now
        let noised = try upsampler.lowResolution(low, noiseLevel: 250, noise: random.normal(shape: [1, 3, side, side]))
        let sampler = try upsampler.sampler(steps: steps)
        let result = try sampler.denoise(random.normal(shape: [1, 3, side, side]), iStart: 0, random: &random,
                                         estimate: sampler.superResolution(prompt, unconditional: empty, guidance: 4,
                                                                           lowResolution: noised, noiseLevel: 250))
        let seconds = ProcessStats.now - start
        var line = ResultLine()
        line.add("kind", "upsample")
        line.add("model", model.name)
        line.add("steps", String(steps))
        line.add("seconds", seconds)
        line.add("per_step_s", seconds / Double(steps))
        line.add("load_s", loadSeconds)
        line.add("finite", result.image.scalars.allSatisfy(\.isFinite) ? "yes" : "no")
        line.add("rss_gb", Double(ProcessStats.peakResidentBytes) / 1e9)
        line.print()
    }
}

/// `bench builtin`: the built-in model's CFG sample at 64x64, timed per step. The model is
/// assembled by the same pipeline as a notebook's (`ModelResolver`).
struct BuiltinRun: BenchRun {
    init(options: inout Options) throws {}

    func run() throws {
        let resolver = ModelResolver(projectRoot: FileManager.default.currentDirectoryPath)
        guard let load = try resolver.builtin().load else { throw BenchError.io(path: "Models/emoji", reason: "no built-in model") }
        let model = try load()
        let sampler = try Sampler(denoiser: model.denoiser)
        var random = SeededRandom(seed: 13)
        let side = model.side
        let x = random.normal(shape: [1, 3, side, side])
        var stepTimes = [Double]()
        let estimate = sampler.guided(Condition(prompt: "a rocket ship"), unconditional: Condition(prompt: ""), guidance: 7)
        let start = ProcessStats.now
        _ = try sampler.denoise(x, iStart: 0, random: &random) { x, t in
            let stepStart = ProcessStats.now
            let e = try estimate(x, t)
            stepTimes.append(ProcessStats.now - stepStart)
            return e
        }
        let seconds = ProcessStats.now - start
        var line = ResultLine()
        line.add("kind", "builtin")
        line.add("side", String(side))
        line.add("steps", String(stepTimes.count))
        line.add("seconds", seconds)
        line.add("median_step_s", ProcessStats.median(stepTimes))
        line.add("max_step_s", stepTimes.max() ?? .nan)
        line.add("rss_gb", Double(ProcessStats.peakResidentBytes) / 1e9)
        line.print()
    }
}

/// `--precision fp32|bf16` of the forward and sample runs.
struct BenchPrecision {
    /// The bf16 kernel, or nil for fp32.
    let kernel: BFloat16Kernel?

    init(options: inout Options) throws {
        do {
            kernel = try Precision(named: options.string("precision") ?? Precision.fp32.rawValue).kernel()
        } catch let error as PipelineError {
            throw BenchError.usage("--precision: \(error)")
        }
    }

    var name: String { kernel == nil ? "fp32" : "bf16" }

    func residency(half: Bool) -> WeightResidency {
        if let kernel { return .bfloat16(kernel) }
        return half ? .float16 : .float32
    }
}
