import Diffusion
import Imaging
import Pipeline
import Script
import Tensor

/// The model's primitives, for sampling loops written in cells: the noise estimate, the
/// pieces of the reverse step (A.3), numbered noise, and views, on model-range values
/// ([-1, 1]; `image.toModelRange()` converts a display image).
extension NotebookLibrary {
    /// The variance value (the lower end of the learned range, -1) that stands for the
    /// posterior variance: what `noiseEstimate` gives for a model without learned variance,
    /// and what `addVariance` reads as that.
    static let posteriorVarianceMarker: Float = -1

    static func addPrimitiveFunctions(to library: inout Library, session: NotebookSession) {
        let (image, t) = (Parameters.image, Parameters.t)
        let images = Param.any("images", label: .unlabeled), prompt = Param.any("prompt", default: .void)
        library.add(function("noiseEstimate", [images, t, prompt],
                             "The model's noise estimate and variance channels for model-range images at timestep t, in one batched call: (noise, variance); with an array of images (and of prompts, one each), arrays.",
                             reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "noiseEstimate")
            let t = try NotebookLibrary.timestep(arguments, t, run.schedule)
            let single: Bool
            let given = try arguments[images]
            if case .native = given { single = true } else { single = false }
            let batch = try NotebookLibrary.imageList(given, images.name)
            guard !batch.isEmpty, batch.count <= 16 else {
                throw NotebookLibrary.failure("noiseEstimate takes 1 to 16 images, got \(batch.count)", images)
            }
            for image in batch where !image.isModelRange {
                throw NotebookLibrary.failure("noiseEstimate works on model-range values in [-1, 1]; convert with .toModelRange()", images)
            }
            var prompts = [String]()
            let promptValue = try arguments[prompt]
            switch promptValue {
            case .void: prompts = Array(repeating: photoPrompt, count: batch.count)
                session.noteOnce("noiseEstimate: no prompt: given, so the course's default \"\(photoPrompt)\" was used")
            case .string(let text): prompts = Array(repeating: text, count: batch.count)
            case .array: prompts = try NotebookLibrary.stringList(promptValue, prompt.name)
            case let other: throw NotebookLibrary.failure("prompt must be a String or [String], got \(other.typeName)", prompt)
            }
            guard prompts.count == batch.count else {
                throw NotebookLibrary.failure("\(batch.count) images but \(prompts.count) prompts; give one prompt, or one per image", prompt)
            }
            var inputs = [Tensor]()
            for image in batch {
                guard image.channels == 3, image.height == run.side, image.width == run.side else {
                    throw NotebookLibrary.failure("the model works on 3x\(run.side)x\(run.side) values, got \(ImageValue.sizeText(image.tensor.shape))", images)
                }
                inputs.append(image.tensor)
            }
            let conditions = try prompts.map { try run.condition($0) }
            let prediction: Prediction
            do {
                prediction = try run.model.denoiser.predict(try Tensor.stack(inputs), timesteps: Array(repeating: t, count: inputs.count),
                                                            conditions: conditions)
            } catch let failure as BuiltinFailure {
                throw failure
            } catch {
                throw NotebookLibrary.failure("\(error)")
            }
            let provenance = Provenance(model: run.model.denoiser.displayName, seed: session.seed, operation: "noiseEstimate(t: \(t))")
            func values(_ x: Tensor?) -> [Value] {
                guard let x else { return [] }
                return (0..<x.shape[0]).map { .native(ImageValue(x.slice($0), provenance: provenance, isModelRange: true)) }
            }
            // A model without learned variance gives -1 everywhere: the lower end of the
            // learned range, the posterior variance (fixed_small), so a loop written for
            // DeepFloyd IF runs unchanged on it (`addVariance` takes the posterior path).
            let noise = values(prediction.noise)
            let variance = values(prediction.variance ?? prediction.noise.map { _ in posteriorVarianceMarker })
            if single { return .array([noise[0], variance[0]]) }
            return .array([.array(noise), .array(variance)])
        })
        let noise = Param.image("noise")
        library.add(function("predictX0", [image, noise, t],
                             "The clean-image estimate (x_t - sqrt(1 - abar_t) noise) / sqrt(abar_t) of a model-range value (A.2).",
                             reads: [HostState.schedule]) { arguments in
            let schedule = try session.schedule()
            let t = try NotebookLibrary.timestep(arguments, t, schedule)
            let (x, epsilon) = (try modelValue(arguments, image), try modelValue(arguments, noise, like: image))
            return modelImage(schedule.predictX0(x, noise: epsilon, t: t), "predictX0(t: \(t))")
        })
        let (x0, xt) = (Param.image("x0"), Param.image("xt"))
        library.add(function("posteriorMean", [x0, xt, t, previousStep],
                             "The mean of x_t' given x_0 and x_t (A.3), for the step t -> previous.",
                             reads: [HostState.schedule]) { arguments in
            let schedule = try session.schedule()
            let (t, previous) = try stepTimesteps(arguments, schedule)
            let clean = try modelValue(arguments, x0), noisy = try modelValue(arguments, xt, like: x0)
            return modelImage(schedule.posteriorMean(x0: clean, xt: noisy, t: t, previous: previous), "posteriorMean(\(t) -> \(previous))")
        })
        let variance = Param.image("variance").optional
        library.add(function("addVariance", [image, variance, t, previousStep, noise],
                             "The course's add_variance: x + the step's standard deviation times noise; the deviation comes from the model's variance channels (learned range), or is the posterior one without variance: or with -1 everywhere, what noiseEstimate gives for a model without learned variance.",
                             reads: [HostState.schedule]) { arguments in
            let schedule = try session.schedule()
            let (t, previous) = try stepTimesteps(arguments, schedule)
            let x = try modelValue(arguments, image), z = try modelValue(arguments, noise, like: image)
            let result: Tensor
            let v = try arguments[variance].map { try modelValue($0, variance, like: (image.name, x.shape)) }
            if let v, !v.scalars.allSatisfy({ $0 == posteriorVarianceMarker }) {
                result = schedule.addVariance(x, v: v, t: t, previous: previous, noise: z)
            } else {
                result = schedule.addPosteriorVariance(x, t: t, previous: previous, noise: z)
            }
            return modelImage(result, "addVariance(\(t) -> \(previous))")
        })
        let like = Param.image("like").optional, size = Param.int("size").optional, draw = Param.int("draw", default: 0)
        library.add(function("gaussianNoise", [like, size, Parameters.seed, draw],
                             "Standard normal noise (model range) shaped like a value, or 3 x size x size; with seed:, draw k of that seed, the numbers a finished built-in given the same seed takes at its k-th draw.") { arguments in
            let shape: [Int]
            switch (try arguments[like], try arguments[size]) {
            case (let shaped?, nil):
                shape = shaped.tensor.shape
            case (nil, let side?):
                let checked = try NotebookLibrary.side(side, size)
                shape = [3, checked, checked]
            case (let shaped, _):
                throw NotebookLibrary.failure("give the shape once: gaussianNoise(like: image) or gaussianNoise(size: 64)", shaped == nil ? nil : size.name)
            }
            let index = try arguments[draw]
            guard index >= 0 else { throw NotebookLibrary.failure("draw must be at least 0, got \(index)", draw) }
            let noise: Tensor
            if let seed = try arguments[Parameters.seed] {
                noise = NoiseDraws.draw(notebookSeed: session.seed, seed: seed, index: index, shape: shape)
            } else {
                var random = session.random(for: "gaussianNoise", arguments)
                noise = random.normal(shape: shape)
            }
            return modelImage(noise, "gaussianNoise")
        })
        let view = Param.string("view")
        library.add(function("applyView", [image, view],
                             "An image under a view of the anagram table (identity, flip, mirror, rotate90/180/270, negate), in either range.") { arguments in
            let input = try arguments[image]
            let chosen = try NotebookLibrary.view(named: try arguments[view], view)
            let viewed: Tensor
            do { viewed = try chosen.apply(input.modelTensor) } catch { throw NotebookLibrary.failure("\(error)", image) }
            var provenance = input.provenance
            provenance.operation = "applyView(\(chosen.rawValue))"
            return .native(ImageValue(input.isModelRange ? viewed : viewed.fromModelRange(), provenance: provenance, isModelRange: input.isModelRange))
        })
    }

    /// A model-range argument; with `like`, it must have that argument's shape.
    static func modelValue(_ arguments: Arguments, _ parameter: Param<ImageValue>, like other: Param<ImageValue>? = nil) throws -> Tensor {
        var reference: (name: String, shape: [Int])?
        if let other { reference = (other.name, try arguments[other].tensor.shape) }
        return try modelValue(try arguments[parameter], parameter, like: reference)
    }

    /// `image`, the value of `parameter`, checked to be in the model range (and of the
    /// reference argument's shape).
    static func modelValue(_ image: ImageValue, _ parameter: some ParameterDeclaring, like reference: (name: String, shape: [Int])?) throws -> Tensor {
        let name = parameter.declaration.name
        guard image.isModelRange else {
            throw NotebookLibrary.failure("'\(name)' must be a model-range value in [-1, 1]; convert it with .toModelRange()", parameter)
        }
        if let reference, image.tensor.shape != reference.shape {
            throw NotebookLibrary.failure("'\(name)' is \(ImageValue.sizeText(image.tensor.shape)) but '\(reference.name)' is \(ImageValue.sizeText(reference.shape))", parameter)
        }
        return image.tensor
    }

    /// A model-range result.
    static func modelImage(_ x: Tensor, _ operation: String) -> Value {
        .native(ImageValue(x, provenance: Provenance(operation: operation), isModelRange: true))
    }

    /// The timestep one reverse step goes to.
    static let previousStep = Param.int("previous")

    /// `t:` and `previous:` of one reverse step: previous < t, both timesteps (previous may be -1, the clean end).
    static func stepTimesteps(_ arguments: Arguments, _ schedule: NoiseSchedule) throws -> (Int, Int) {
        let t = try timestep(arguments, Parameters.t, schedule)
        let previous = try arguments[previousStep]
        guard previous >= -1, previous < t else {
            throw failure("previous = \(previous) must be below t = \(t) (and at least -1)", previousStep)
        }
        return (t, previous)
    }
}
