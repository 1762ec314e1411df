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
        let image = Parameters.image, steps = Param.int("steps", default: 50), guidance = Param.double("guidance", default: 4)
        let noiseLevel = Param.int("noiseLevel", default: 250)
        library.add(function("upsample", [image, Parameters.prompt, steps, guidance, noiseLevel, Parameters.seed],
                             "A stage I image refined to 256x256 by DeepFloyd IF stage II: upscaled, noised to noiseLevel, then denoised with classifier-free guidance over `steps` steps.",
                             reads: [HostState.model, HostState.upsampler]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "upsample")
            let upsampler: Upsampler
            do { upsampler = try session.upsampler() } catch {
                throw NotebookLibrary.failure("\(error)")
            }
            let condition = try run.condition(Parameters.prompt)
            let gamma = try run.guidance(guidance)
            let stepCount = try arguments[steps]
            guard (1...1000).contains(stepCount) else { throw NotebookLibrary.failure("steps must be in 1...1000, got \(stepCount)", steps) }
            let level = try arguments[noiseLevel]
            guard upsampler.imageNoising.contains(level) else {
                throw NotebookLibrary.failure("noiseLevel must be in 0...\(upsampler.imageNoising.trainTimesteps - 1), got \(level)", noiseLevel)
            }
            let input = try arguments[image]
            guard input.channels == 3 else {
                throw NotebookLibrary.failure("stage II needs an RGB image, got \(input.channels) channel(s); use .rgb()", image)
            }
            guard input.width == input.height, input.width <= upsampler.side else {
                throw NotebookLibrary.failure("stage II refines square images of at most \(upsampler.side)x\(upsampler.side), got \(input.width)x\(input.height)", image)
            }
            let low = try input.modelTensor.reshaped([1] + input.tensor.shape)                 // [1, 3, h, w]
            // The pipeline's order of draws: the starting noise, the noise of the upscaled
            // image, then one draw per step.
            let start = run.random.normal(shape: [1, 3, upsampler.side, upsampler.side])
            let levelNoise = run.random.normal(shape: [1, 3, upsampler.side, upsampler.side])
            let noised = try upsampler.lowResolution(low, noiseLevel: level, noise: levelNoise)
            let sampler = run.wired(try upsampler.sampler(steps: stepCount))
            return try run.denoise(sampler, x: start, iStart: 0, prompt: condition.prompt,
                                   operation: "upsample(noiseLevel: \(level), γ \(format(Double(gamma))))",
                                   estimate: sampler.superResolution(condition, unconditional: try run.unconditional(), guidance: gamma,
                                                                     lowResolution: noised, noiseLevel: level),
                                   modelName: "\(run.model.denoiser.displayName) + \(upsampler.denoiser.displayName)")
        })
    }
}
