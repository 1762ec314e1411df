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
        library.add(function("noiseEstimate", [(nil, "images", nil), ("t", "t", nil), ("prompt", "prompt", .void)],
                             "The model's noise estimate and variance channels for model-range images at timestep t, in one batched call: (noise, variance); with an array of images (and of prompts, one each), arrays.",
                             reads: [HostState.model]) { arguments in
            let run = try DiffusionCall(session, arguments, operation: "noiseEstimate")
            let t = try NotebookLibrary.timestep(arguments, "t", run.schedule)
            let single: Bool
            if case .native = arguments["images"] { single = true } else { single = false }
            let images = try NotebookLibrary.images(arguments, "images")
            guard !images.isEmpty, images.count <= 16 else {
                throw NotebookLibrary.failure("noiseEstimate takes 1 to 16 images, got \(images.count)", "images")
            }
            for image in images where !image.isModelRange {
                throw NotebookLibrary.failure("noiseEstimate works on model-range values in [-1, 1]; convert with .toModelRange()", "images")
            }
            var prompts = [String]()
            switch arguments["prompt"] {
            case .void: prompts = Array(repeating: photoPrompt, count: images.count)
                session.noteOnce("noiseEstimate: no prompt: given, so the course's default \"\(photoPrompt)\" was used")
            case .string(let prompt): prompts = Array(repeating: prompt, count: images.count)
            case .array: prompts = try NotebookLibrary.strings(arguments, "prompt")
            default: throw NotebookLibrary.failure("prompt must be a String or [String], got \(arguments["prompt"].typeName)", "prompt")
            }
            guard prompts.count == images.count else {
                throw NotebookLibrary.failure("\(images.count) images but \(prompts.count) prompts; give one prompt, or one per image", "prompt")
            }
            var inputs = [Tensor]()
            for image in images {
                guard image.channels == 3, image.height == run.side, image.width == run.side else {
                    throw NotebookLibrary.failure("the model works on 3x\(run.side)x\(run.side) values, got \(ImageValue.sizeText(image.tensor.shape))", "images")
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
        library.add(function("predictX0", [(nil, "image", nil), ("noise", "noise", nil), ("t", "t", nil)],
                             "The clean-image estimate (x_t - sqrt(1 - abar_t) noise) / sqrt(abar_t) of a model-range value (A.2).",
                             reads: [HostState.schedule]) { arguments in
            let schedule = try session.schedule()
            let t = try NotebookLibrary.timestep(arguments, "t", schedule)
            let (x, noise) = (try modelValue(arguments, "image"), try modelValue(arguments, "noise", like: arguments, "image"))
            return modelImage(schedule.predictX0(x, noise: noise, t: t), "predictX0(t: \(t))")
        })
        library.add(function("posteriorMean", [("x0", "x0", nil), ("xt", "xt", nil), ("t", "t", nil), ("previous", "previous", nil)],
                             "The mean of x_t' given x_0 and x_t (A.3), for the step t -> previous.",
                             reads: [HostState.schedule]) { arguments in
            let schedule = try session.schedule()
            let (t, previous) = try stepTimesteps(arguments, schedule)
            let x0 = try modelValue(arguments, "x0"), xt = try modelValue(arguments, "xt", like: arguments, "x0")
            return modelImage(schedule.posteriorMean(x0: x0, xt: xt, t: t, previous: previous), "posteriorMean(\(t) -> \(previous))")
        })
        library.add(function("addVariance", [(nil, "image", nil), ("variance", "variance", .void), ("t", "t", nil),
                                             ("previous", "previous", nil), ("noise", "noise", nil)],
                             "The course's add_variance: x + the step's standard deviation times noise; the deviation comes from the model's variance channels (learned range), or is the posterior one without variance: or with -1 everywhere, what noiseEstimate gives for a model without learned variance.",
                             reads: [HostState.schedule]) { arguments in
            let schedule = try session.schedule()
            let (t, previous) = try stepTimesteps(arguments, schedule)
            let x = try modelValue(arguments, "image"), z = try modelValue(arguments, "noise", like: arguments, "image")
            let result: Tensor
            let v = arguments.isPresent("variance") ? try modelValue(arguments, "variance", like: arguments, "image") : nil
            if let v, !v.scalars.allSatisfy({ $0 == posteriorVarianceMarker }) {
                result = schedule.addVariance(x, v: v, t: t, previous: previous, noise: z)
            } else {
                result = schedule.addPosteriorVariance(x, t: t, previous: previous, noise: z)
            }
            return modelImage(result, "addVariance(\(t) -> \(previous))")
        })
        library.add(function("gaussianNoise", [("like", "like", .void), ("size", "size", .void), ("seed", "seed", .void), ("draw", "draw", .int(0))],
                             "Standard normal noise (model range) shaped like a value, or 3 x size x size; with seed:, draw k of that seed, the numbers a finished built-in given the same seed takes at its k-th draw.") { arguments in
            let shape: [Int]
            switch (arguments.isPresent("like"), arguments.isPresent("size")) {
            case (true, false):
                shape = try NotebookLibrary.image(arguments, "like").tensor.shape
            case (false, true):
                let side = try arguments.int("size")
                guard side > 0, side <= maximumSide else {
                    throw NotebookLibrary.failure("size must be between 1 and \(maximumSide), got \(side)", "size")
                }
                shape = [3, side, side]
            default:
                throw NotebookLibrary.failure("give the shape once: gaussianNoise(like: image) or gaussianNoise(size: 64)", arguments.isPresent("like") ? "size" : nil)
            }
            let draw = try arguments.int("draw")
            guard draw >= 0 else { throw NotebookLibrary.failure("draw must be at least 0, got \(draw)", "draw") }
            let noise: Tensor
            if arguments.isPresent("seed") {
                noise = NoiseDraws.draw(notebookSeed: session.seed, seed: try arguments.int("seed"), index: draw, shape: shape)
            } else {
                var random = session.random(for: "gaussianNoise", arguments)
                noise = random.normal(shape: shape)
            }
            return modelImage(noise, "gaussianNoise")
        })
        library.add(function("applyView", [(nil, "image", nil), ("view", "view", nil)],
                             "An image under a view of the anagram table (identity, flip, mirror, rotate90/180/270, negate), in either range.") { arguments in
            let image = try NotebookLibrary.image(arguments, "image")
            let view = try NotebookLibrary.view(named: try arguments.string("view"), "view")
            let viewed: Tensor
            do { viewed = try view.apply(image.modelTensor) } catch { throw NotebookLibrary.failure("\(error)", "image") }
            var provenance = image.provenance
            provenance.operation = "applyView(\(view.rawValue))"
            return .native(ImageValue(image.isModelRange ? viewed : viewed.fromModelRange(), provenance: provenance, isModelRange: image.isModelRange))
        })
    }

    /// A model-range argument; with `like`, it must have that argument's shape.
    static func modelValue(_ arguments: Arguments, _ name: String, like arguments2: Arguments? = nil, _ other: String? = nil) throws -> Tensor {
        let image = try NotebookLibrary.image(arguments, name)
        guard image.isModelRange else {
            throw NotebookLibrary.failure("'\(name)' must be a model-range value in [-1, 1]; convert it with .toModelRange()", name)
        }
        if let arguments2, let other {
            let shape = try NotebookLibrary.image(arguments2, other).tensor.shape
            guard image.tensor.shape == shape else {
                throw NotebookLibrary.failure("'\(name)' is \(ImageValue.sizeText(image.tensor.shape)) but '\(other)' is \(ImageValue.sizeText(shape))", name)
            }
        }
        return image.tensor
    }

    /// A model-range result.
    static func modelImage(_ x: Tensor, _ operation: String) -> Value {
        .native(ImageValue(x, provenance: Provenance(operation: operation), isModelRange: true))
    }

    /// `t:` and `previous:` of one reverse step: previous < t, both timesteps (previous may be -1, the clean end).
    static func stepTimesteps(_ arguments: Arguments, _ schedule: NoiseSchedule) throws -> (Int, Int) {
        let t = try timestep(arguments, "t", schedule)
        let previous = try arguments.int("previous")
        guard previous >= -1, previous < t else {
            throw failure("previous = \(previous) must be below t = \(t) (and at least -1)", "previous")
        }
        return (t, previous)
    }
}
