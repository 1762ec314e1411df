import Diffusion
import Pipeline
import Script
import Tensor

extension NotebookLibrary {
    static func addUpsamplingFunctions(to library: inout Library, session: NotebookSession) {
        library.add(function("hasUpsampler", [],
                             "Whether a stage II model (DeepFloyd IF-II-L or IF-II-M) goes with this notebook's model, so upsample() can run.",
                             reads: [HostState.upsampler]) { _ in
            .bool(try session.hasUpsampler())
        })
        library.add(function("upsample", [(nil, "image", nil), ("prompt", "prompt", .void), ("steps", "steps", .int(50)),
                                          ("guidance", "guidance", .double(4)), ("noiseLevel", "noiseLevel", .int(250)), ("seed", "seed", .void)],
                             "A stage I image refined to 256x256 by DeepFloyd IF stage II: upscaled, noised to noiseLevel, then denoised with classifier-free guidance over `steps` steps.",
                             reads: [HostState.model, HostState.upsampler]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "upsample")
            let upsampler: Upsampler
            do { upsampler = try session.upsampler() } catch {
                throw NotebookLibrary.failure("\(error)")
            }
            let condition = try run.condition(arguments, "prompt")
            let guidance = try run.guidance(arguments)
            let steps = try arguments.int("steps")
            guard (1...1000).contains(steps) else { throw NotebookLibrary.failure("steps must be in 1...1000, got \(steps)", "steps") }
            let noiseLevel = try arguments.int("noiseLevel")
            guard upsampler.imageNoising.contains(noiseLevel) else {
                throw NotebookLibrary.failure("noiseLevel must be in 0...\(upsampler.imageNoising.trainTimesteps - 1), got \(noiseLevel)", "noiseLevel")
            }
            let image = try NotebookLibrary.image(arguments, "image")
            guard image.channels == 3 else {
                throw NotebookLibrary.failure("stage II needs an RGB image, got \(image.channels) channel(s); use .rgb()", "image")
            }
            guard image.width == image.height, image.width <= upsampler.side else {
                throw NotebookLibrary.failure("stage II refines square images of at most \(upsampler.side)x\(upsampler.side), got \(image.width)x\(image.height)", "image")
            }
            let low = try image.modelTensor.reshaped([1] + image.tensor.shape)                 // [1, 3, h, w]
            // The pipeline's order of draws: the starting noise, the noise of the upscaled
            // image, then one draw per step.
            let start = run.random.normal(shape: [1, 3, upsampler.side, upsampler.side])
            let levelNoise = run.random.normal(shape: [1, 3, upsampler.side, upsampler.side])
            let noised = try upsampler.lowResolution(low, noiseLevel: noiseLevel, noise: levelNoise)
            let sampler = run.wired(try upsampler.sampler(steps: steps))
            return try run.denoise(sampler, x: start, iStart: 0, prompt: condition.prompt,
                                   operation: "upsample(noiseLevel: \(noiseLevel), γ \(format(Double(guidance))))",
                                   estimate: sampler.superResolution(condition, unconditional: try run.unconditional(), guidance: guidance,
                                                                     lowResolution: noised, noiseLevel: noiseLevel),
                                   modelName: "\(run.model.denoiser.displayName) + \(upsampler.denoiser.displayName)")
        })
    }
}
