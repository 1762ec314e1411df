import Diffusion
import Imaging
import Pipeline
import Script
import Tensor

extension NotebookLibrary {
    /// The prompt the course uses as a "null" prompt for unconditional generation.
    static let photoPrompt = "a high quality photo"
    /// The prompt the course uses for the unconditional half of classifier-free guidance.
    static let emptyPrompt = ""

    static func addDiffusionFunctions(to library: inout Library, session: NotebookSession) {
        library.add(function("modelName", [], "The name of the model this notebook runs on.", reads: [HostState.model]) { _ in
            .string(try session.model().denoiser.displayName)
        })
        library.add(function("oneStepDenoise", [(nil, "image", nil), ("t", "t", nil), ("prompt", "prompt", .void)],
                             "One-step denoising (A.2): the clean image estimated from one noise prediction at t.", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "oneStepDenoise")
            let t = try NotebookLibrary.timestep(arguments, "t", run.schedule)
            let x = try run.modelInput(arguments, "image")
            let condition = try run.condition(arguments, "prompt")
            let x0 = try run.sampler(stride: 30).oneStepDenoise(x, t: t, condition: condition)
            return run.image(x0, prompt: condition.prompt, steps: 1, operation: "oneStepDenoise(t: \(t))")
        })
        library.add(function("iterativeDenoise", [(nil, "image", nil), ("iStart", "iStart", nil), ("prompt", "prompt", .void),
                                                  ("stride", "stride", .int(30)), ("keepEvery", "keepEvery", .void), ("seed", "seed", .void)],
                             "Iterative denoising (iterative_denoise) from timesteps[iStart] to 0; with keepEvery: k, every k-th step's image and then the final one.", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "iterativeDenoise")
            let condition = try run.condition(arguments, "prompt")
            let sampler = try run.sampler(stride: try arguments.int("stride"))
            let iStart = try run.index(arguments, "iStart", sampler)
            return try run.denoise(sampler, x: try run.modelInput(arguments, "image"), iStart: iStart, prompt: condition.prompt,
                                   operation: "iterativeDenoise(iStart: \(iStart))", estimate: sampler.conditional(condition))
        })
        library.add(function("iterativeDenoiseCFG", [(nil, "image", nil), ("iStart", "iStart", nil), ("prompt", "prompt", .void),
                                                     ("guidance", "guidance", .double(7)), ("stride", "stride", .int(30)), ("keepEvery", "keepEvery", .void), ("seed", "seed", .void)],
                             "Iterative denoising with classifier-free guidance (iterative_denoise_cfg, A.4); unconditional prompt \"\".", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "iterativeDenoiseCFG")
            let condition = try run.condition(arguments, "prompt")
            let guidance = try run.guidance(arguments)
            let sampler = try run.sampler(stride: try arguments.int("stride"))
            let iStart = try run.index(arguments, "iStart", sampler)
            return try run.denoise(sampler, x: try run.modelInput(arguments, "image"), iStart: iStart, prompt: condition.prompt,
                                   operation: "iterativeDenoiseCFG(iStart: \(iStart), γ \(format(Double(guidance))))",
                                   estimate: sampler.guided(condition, unconditional: try run.unconditional(), guidance: guidance))
        })
        library.add(function("sample", [("count", "count", .int(1)), ("prompt", "prompt", .void), ("steps", "steps", .int(33)),
                                        ("patches", "patches", .void), ("seed", "seed", .void)],
                             "Images sampled from pure noise by iterative denoising without guidance (part 1.5).", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "sample")
            let condition = try run.condition(arguments, "prompt")
            let sampler = try run.sampler(steps: try arguments.int("steps"))
            let noise = try run.pureNoise(arguments)
            return try run.denoise(sampler, x: noise, iStart: 0, prompt: condition.prompt, operation: "sample",
                                   estimate: sampler.conditional(condition))
        })
        library.add(function("sampleCFG", [("count", "count", .int(1)), ("prompt", "prompt", .void),
                                           ("guidance", "guidance", .double(7)), ("steps", "steps", .int(33)),
                                           ("patches", "patches", .void), ("seed", "seed", .void)],
                             "Images sampled from pure noise with classifier-free guidance (part 1.6).", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "sampleCFG")
            let condition = try run.condition(arguments, "prompt")
            let guidance = try run.guidance(arguments)
            let sampler = try run.sampler(steps: try arguments.int("steps"))
            let noise = try run.pureNoise(arguments)
            return try run.denoise(sampler, x: noise, iStart: 0, prompt: condition.prompt, operation: "sampleCFG(γ \(format(Double(guidance))))",
                                   estimate: sampler.guided(condition, unconditional: try run.unconditional(), guidance: guidance))
        })
        library.add(function("sdedit", [(nil, "image", nil), ("iStart", "iStart", nil), ("prompt", "prompt", .void),
                                        ("guidance", "guidance", .double(7)), ("stride", "stride", .int(30)), ("seed", "seed", .void)],
                             "SDEdit image-to-image (part 1.7): noise the image to timesteps[iStart], then denoise with CFG.", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "sdedit")
            let condition = try run.condition(arguments, "prompt")
            let guidance = try run.guidance(arguments)
            let sampler = try run.sampler(stride: try arguments.int("stride"))
            let iStart = try run.index(arguments, "iStart", sampler)
            let x0 = try run.modelInput(arguments, "image")
            let noisy = try sampler.sdeditStart(x0, iStart: iStart, random: &run.random)
            return try run.denoise(sampler, x: noisy, iStart: iStart, prompt: condition.prompt,
                                   operation: "sdedit(iStart: \(iStart), γ \(format(Double(guidance))))",
                                   estimate: sampler.guided(condition, unconditional: try run.unconditional(), guidance: guidance))
        })
        library.add(function("inpaint", [(nil, "image", nil), ("mask", "mask", nil), ("prompt", "prompt", .void),
                                         ("guidance", "guidance", .double(7)), ("stride", "stride", .int(30)), ("seed", "seed", .void)],
                             "Inpainting (inpaint, A.5): new content where the mask is 1, the original where it is 0.", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "inpaint")
            let condition = try run.condition(arguments, "prompt")
            let guidance = try run.guidance(arguments)
            let sampler = try run.sampler(stride: try arguments.int("stride"))
            let original = try run.modelInput(arguments, "image")
            let mask = try NotebookLibrary.image(arguments, "mask")
            guard mask.channels == 1 || mask.channels == 3, mask.height == original.shape[2], mask.width == original.shape[3] else {
                throw NotebookLibrary.failure("the mask is \(ImageValue.sizeText(mask.tensor.shape)) but the image is \(ImageValue.sizeText(Array(original.shape.dropFirst()))); they need the same height and width", "mask")
            }
            let m = try mask.tensor.reshaped([1] + mask.tensor.shape)                       // [1, C, H, W]
            let start = run.random.normal(shape: original.shape)
            let step: (Tensor, Int, inout CallNoise) throws -> Tensor
            do { step = try sampler.inpaintingStep(original: original, mask: m, noise: CallNoise.self) } catch { throw NotebookLibrary.failure("\(error)", "mask") }
            return try run.denoise(sampler, x: start, iStart: 0, prompt: condition.prompt, operation: "inpaint(γ \(format(Double(guidance))))",
                                   estimate: sampler.guided(condition, unconditional: try run.unconditional(), guidance: guidance),
                                   afterStep: step)
        })
        library.add(function("visualAnagram", [("prompts", "prompts", nil), ("views", "views", .array([.string("identity"), .string("flip")])),
                                               ("guidance", "guidance", .double(7)), ("stride", "stride", .int(30)), ("seed", "seed", .void)],
                             "A visual anagram (visual_anagrams): one image that shows prompts[i] under views[i].", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "visualAnagram")
            let prompts = try NotebookLibrary.strings(arguments, "prompts")
            let viewNames = try NotebookLibrary.strings(arguments, "views")
            guard !prompts.isEmpty, prompts.count == viewNames.count else {
                throw NotebookLibrary.failure("need one view per prompt, got \(prompts.count) prompts and \(viewNames.count) views", "views")
            }
            var pairs = [(Condition, ImageView)]()
            for (prompt, name) in zip(prompts, viewNames) {
                pairs.append((try run.condition(prompt), try NotebookLibrary.view(named: name, "views")))
            }
            let guidance = try run.guidance(arguments)
            let sampler = try run.sampler(stride: try arguments.int("stride"))
            let noise = run.random.normal(shape: [1, 3, run.side, run.side])
            let label = zip(prompts, viewNames).map { "\($1): \($0)" }.joined(separator: " | ")
            return try run.denoise(sampler, x: noise, iStart: 0, prompt: label, operation: "visualAnagram(γ \(format(Double(guidance))))",
                                   estimate: sampler.anagram(pairs, unconditional: try run.unconditional(), guidance: guidance))
        })
        library.add(function("hybridImage", [("low", "low", nil), ("high", "high", nil), ("guidance", "guidance", .double(7)),
                                             ("kernelSize", "kernelSize", .int(33)), ("sigma", "sigma", .double(2)), ("stride", "stride", .int(30)),
                                             ("split", "split", .string("frequency")), ("seed", "seed", .void)],
                             "A factorized hybrid (make_hybrids): one prompt's low frequencies plus another's high frequencies; with split: \"color\", one prompt's gray part plus another's colour.", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "hybridImage")
            let low = try run.condition(arguments, "low"), high = try run.condition(arguments, "high")
            let guidance = try run.guidance(arguments)
            let (size, sigma) = try NotebookLibrary.blurSettings(arguments)
            let split = try arguments.string("split")
            let filter: (Tensor) throws -> Tensor
            let label: String
            switch split {
            case "frequency":
                filter = { try $0.gaussianBlur(kernelSize: size, sigma: Float(sigma)) }
                label = "blur \(size)/\(format(sigma))"
            case "color":
                filter = NotebookLibrary.channelMean
                label = "gray/colour"
            default:
                throw NotebookLibrary.failure("split must be \"frequency\" or \"color\", got \"\(split)\"", "split")
            }
            let sampler = try run.sampler(stride: try arguments.int("stride"))
            let noise = run.random.normal(shape: [1, 3, run.side, run.side])
            return try run.denoise(sampler, x: noise, iStart: 0, prompt: "low: \(low.prompt) | high: \(high.prompt)",
                                   operation: "hybridImage(γ \(format(Double(guidance))), \(label))",
                                   estimate: sampler.hybrid(low: low, high: high, unconditional: try run.unconditional(), guidance: guidance,
                                                            lowPass: filter))
        })
    }

    /// The gray part of `[B, 3, H, W]` images: each pixel's channel mean, in every channel.
    static func channelMean(_ x: Tensor) -> Tensor {
        let (batch, channels) = (x.shape[0], x.shape[1])
        let plane = x.count / (batch * channels)
        var out = x.scalars
        for b in 0..<batch {
            for i in 0..<plane {
                var sum: Float = 0
                for c in 0..<channels { sum += x.scalars[(b * channels + c) * plane + i] }
                for c in 0..<channels { out[(b * channels + c) * plane + i] = sum / Float(channels) }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// A number without trailing zeros ("7", "2.5").
    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(x)
    }
}
