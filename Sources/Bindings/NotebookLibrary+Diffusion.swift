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
        let (image, t, prompt, seed) = (Parameters.image, Parameters.t, Parameters.prompt, Parameters.seed)
        let (iStart, stride, guidance, keepEvery) = (Parameters.iStart, Parameters.stride, Parameters.guidance, Parameters.keepEvery)
        let (count, steps, patches) = (Parameters.count, Parameters.steps, Parameters.patches)
        library.add(function("modelName", [], "The name of the model this notebook runs on.", reads: [HostState.model]) { _ in
            .string(try session.model().denoiser.displayName)
        })
        library.add(function("oneStepDenoise", [image, t, prompt],
                             "One-step denoising (A.2): the clean image estimated from one noise prediction at t.", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "oneStepDenoise")
            let t = try NotebookLibrary.timestep(arguments, t, run.schedule)
            let x = try run.modelInput(image)
            let condition = try run.condition(prompt)
            let x0 = try run.sampler(stride: 30).oneStepDenoise(x, t: t, condition: condition)
            return run.image(x0, prompt: condition.prompt, steps: 1, operation: "oneStepDenoise(t: \(t))")
        })
        library.add(function("iterativeDenoise", [image, iStart, prompt, stride, keepEvery, seed],
                             "Iterative denoising (iterative_denoise) from timesteps[iStart] to 0; with keepEvery: k, every k-th step's image and then the final one.", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "iterativeDenoise")
            let condition = try run.condition(prompt)
            let sampler = try run.sampler(stride: try arguments[stride])
            let i = try run.index(iStart, sampler)
            return try run.denoise(sampler, x: try run.modelInput(image), iStart: i, prompt: condition.prompt,
                                   operation: "iterativeDenoise(iStart: \(i))", estimate: sampler.conditional(condition))
        })
        library.add(function("iterativeDenoiseCFG", [image, iStart, prompt, guidance, stride, keepEvery, seed],
                             "Iterative denoising with classifier-free guidance (iterative_denoise_cfg, A.4); unconditional prompt \"\".", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "iterativeDenoiseCFG")
            let condition = try run.condition(prompt)
            let gamma = try run.guidance()
            let sampler = try run.sampler(stride: try arguments[stride])
            let i = try run.index(iStart, sampler)
            return try run.denoise(sampler, x: try run.modelInput(image), iStart: i, prompt: condition.prompt,
                                   operation: "iterativeDenoiseCFG(iStart: \(i), γ \(format(Double(gamma))))",
                                   estimate: sampler.guided(condition, unconditional: try run.unconditional(), guidance: gamma))
        })
        library.add(function("sample", [count, prompt, steps, patches, seed],
                             "Images sampled from pure noise by iterative denoising without guidance (part 1.5).", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "sample")
            let condition = try run.condition(prompt)
            let sampler = try run.sampler(steps: try arguments[steps])
            let noise = try run.pureNoise()
            return try run.denoise(sampler, x: noise, iStart: 0, prompt: condition.prompt, operation: "sample",
                                   estimate: sampler.conditional(condition))
        })
        library.add(function("sampleCFG", [count, prompt, guidance, steps, patches, seed],
                             "Images sampled from pure noise with classifier-free guidance (part 1.6).", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "sampleCFG")
            let condition = try run.condition(prompt)
            let gamma = try run.guidance()
            let sampler = try run.sampler(steps: try arguments[steps])
            let noise = try run.pureNoise()
            return try run.denoise(sampler, x: noise, iStart: 0, prompt: condition.prompt, operation: "sampleCFG(γ \(format(Double(gamma))))",
                                   estimate: sampler.guided(condition, unconditional: try run.unconditional(), guidance: gamma))
        })
        let (images, iStarts) = (Param.any("image", label: .unlabeled), Param.any("iStart"))
        library.add(function("sdedit", [images, iStarts, prompt, guidance, stride, seed],
                             "SDEdit image-to-image (part 1.7): noise the image to timesteps[iStart], then denoise with CFG; given a list of images or of iStarts, one edit for each, their loops run as one.", reads: [HostState.model]) { arguments in
            try NotebookLibrary.overList(arguments, [images, iStarts], name: "sdedit", session: session) { runs in
                // The calls differ only in their image or start: one sampler and one estimate serve all.
                // Each call still reads its prompt, which records the embedding's source in that
                // call's provenance, as it would alone.
                let conditions = try runs.map { try $0.condition(prompt) }
                let gamma = try runs[0].guidance()
                let sampler = try runs[0].sampler(stride: try arguments[stride])
                var members = [DiffusionCall.Member]()
                for run in runs {
                    let i = try run.index(iStart, sampler)
                    let noisy = try sampler.sdeditStart(try run.modelInput(image), iStart: i, random: &run.random)
                    members.append(.init(run: run, x: noisy, iStart: i, operation: "sdedit(iStart: \(i), γ \(format(Double(gamma))))"))
                }
                return try DiffusionCall.denoise(members, sampler: sampler, prompt: conditions[0].prompt,
                                                 estimate: sampler.guided(conditions[0], unconditional: try runs[0].unconditional(), guidance: gamma))
            }
        })
        let mask = Param.image("mask")
        library.add(function("inpaint", [image, mask, prompt, guidance, stride, seed],
                             "Inpainting (inpaint, A.5): new content where the mask is 1, the original where it is 0.", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "inpaint")
            let condition = try run.condition(prompt)
            let gamma = try run.guidance()
            let sampler = try run.sampler(stride: try arguments[stride])
            let original = try run.modelInput(image)
            let region = try arguments[mask]
            guard region.channels == 1 || region.channels == 3, region.height == original.shape[2], region.width == original.shape[3] else {
                throw NotebookLibrary.failure("the mask is \(ImageValue.sizeText(region.tensor.shape)) but the image is \(ImageValue.sizeText(Array(original.shape.dropFirst()))); they need the same height and width", mask)
            }
            let m = try region.tensor.reshaped([1] + region.tensor.shape)                   // [1, C, H, W]
            let start = run.random.normal(shape: original.shape)
            let step: (Tensor, Int, inout CallNoise) throws -> Tensor
            do { step = try sampler.inpaintingStep(original: original, mask: m, noise: CallNoise.self) } catch { throw NotebookLibrary.failure("\(error)", mask) }
            return try run.denoise(sampler, x: start, iStart: 0, prompt: condition.prompt, operation: "inpaint(γ \(format(Double(gamma))))",
                                   estimate: sampler.guided(condition, unconditional: try run.unconditional(), guidance: gamma),
                                   afterStep: step)
        })
        let prompts = Param.strings("prompts"), views = Param.strings("views", default: ["identity", "flip"])
        library.add(function("visualAnagram", [prompts, views, guidance, stride, seed],
                             "A visual anagram (visual_anagrams): one image that shows prompts[i] under views[i].", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "visualAnagram")
            let texts = try arguments[prompts]
            let viewNames = try arguments[views]
            guard !texts.isEmpty, texts.count == viewNames.count else {
                throw NotebookLibrary.failure("need one view per prompt, got \(texts.count) prompts and \(viewNames.count) views", views)
            }
            var pairs = [(Condition, ImageView)]()
            for (text, name) in zip(texts, viewNames) {
                pairs.append((try run.condition(text), try NotebookLibrary.view(named: name, views)))
            }
            let gamma = try run.guidance()
            let sampler = try run.sampler(stride: try arguments[stride])
            let noise = run.random.normal(shape: [1, 3, run.side, run.side])
            let label = zip(texts, viewNames).map { "\($1): \($0)" }.joined(separator: " | ")
            return try run.denoise(sampler, x: noise, iStart: 0, prompt: label, operation: "visualAnagram(γ \(format(Double(gamma))))",
                                   estimate: sampler.anagram(pairs, unconditional: try run.unconditional(), guidance: gamma))
        })
        let low = Param.string("low"), high = Param.string("high")
        let split = Param.string("split", default: "frequency")
        library.add(function("hybridImage", [low, high, guidance, Parameters.kernelSize, Parameters.sigma, stride, split, seed],
                             "A factorized hybrid (make_hybrids): one prompt's low frequencies plus another's high frequencies; with split: \"color\", one prompt's gray part plus another's colour.", reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "hybridImage")
            let lowCondition = try run.condition(low), highCondition = try run.condition(high)
            let gamma = try run.guidance()
            let (size, sigma) = try NotebookLibrary.blurSettings(arguments)
            let filter: (Tensor) throws -> Tensor
            let label: String
            switch try arguments[split] {
            case "frequency":
                filter = { try $0.gaussianBlur(kernelSize: size, sigma: Float(sigma)) }
                label = "blur \(size)/\(format(sigma))"
            case "color":
                filter = NotebookLibrary.channelMean
                label = "gray/colour"
            case let other:
                throw NotebookLibrary.failure("split must be \"frequency\" or \"color\", got \"\(other)\"", split)
            }
            let sampler = try run.sampler(stride: try arguments[stride])
            let noise = run.random.normal(shape: [1, 3, run.side, run.side])
            return try run.denoise(sampler, x: noise, iStart: 0, prompt: "low: \(lowCondition.prompt) | high: \(highCondition.prompt)",
                                   operation: "hybridImage(γ \(format(Double(gamma))), \(label))",
                                   estimate: sampler.hybrid(low: lowCondition, high: highCondition, unconditional: try run.unconditional(), guidance: gamma,
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
