import Diffusion
import EmojiModel
import Pipeline
import Script
import Tensor

/// The shared work of a model built-in: the loaded model, prompt conditions, argument
/// checks, the call's own random stream, the sampler wired to the cell's progress and
/// cancellation, and images back.
final class DiffusionCall {
    let session: NotebookSession
    let model: LoadedModel
    let arguments: Arguments
    let operation: String
    /// Every random draw of this call (its own stream, or numbered draws of its `seed:`).
    var random: CallNoise
    /// Where the embeddings of this call's prompts came from, in first-use order (the
    /// unconditional prompt's left out: it is not what a reader asks about).
    private(set) var embeddingSources: [String] = []

    init(_ session: NotebookSession, _ arguments: Arguments, operation: String) throws {
        self.session = session
        self.arguments = arguments
        self.operation = operation
        self.random = try session.noise(for: operation, arguments)
        do {
            model = try session.model()
        } catch let error as BindingsError {
            throw NotebookLibrary.failure("\(error)")
        }
    }

    var schedule: NoiseSchedule { model.denoiser.schedule }

    /// The side of the images the model generates.
    var side: Int { model.side }

    /// The condition for a prompt argument; a call without one uses the course's default
    /// prompt and says so below the cell.
    func condition(_ parameter: Param<String?>) throws -> Condition {
        guard let prompt = try arguments[parameter] else {
            session.noteOnce("\(operation): no \(parameter.name): given, so the course's default \"\(NotebookLibrary.photoPrompt)\" was used")
            return try condition(NotebookLibrary.photoPrompt)
        }
        return try condition(prompt, from: parameter)
    }

    /// The condition for a required prompt argument.
    func condition(_ parameter: Param<String>) throws -> Condition {
        try condition(try arguments[parameter], from: parameter)
    }

    /// The condition for `prompt`, a failure pointing at the argument it came from.
    private func condition(_ prompt: String, from parameter: some ParameterDeclaring) throws -> Condition {
        do { return try condition(prompt) } catch let failure as BuiltinFailure {
            var located = failure
            located.parameter = located.parameter ?? parameter.declaration.name
            throw located
        }
    }

    /// The condition for a prompt, with a note on the page when the model remarks on it.
    func condition(_ prompt: String) throws -> Condition {
        do {
            let condition = try model.condition(prompt)
            if let note = model.promptNote(prompt) { session.noteOnce(note) }
            if !prompt.isEmpty, let source = condition.embeddingSource, !embeddingSources.contains(source) {
                embeddingSources.append(source)
            }
            return condition
        } catch let failure as BuiltinFailure {
            throw failure
        } catch {
            throw NotebookLibrary.failure("\(error)")
        }
    }

    /// The unconditional prompt of classifier-free guidance ("").
    func unconditional() throws -> Condition { try condition(NotebookLibrary.emptyPrompt) }

    /// The guidance scale gamma.
    func guidance(_ parameter: Param<Double> = NotebookLibrary.Parameters.guidance) throws -> Float {
        let gamma = try arguments[parameter]
        guard gamma.isFinite, abs(gamma) <= 100 else {
            throw NotebookLibrary.failure("guidance must be a finite number of at most 100 in size, got \(gamma)", parameter)
        }
        return Float(gamma)
    }

    /// A sampler over the course's strided timesteps (990, 990 - stride, ..., 0).
    func sampler(stride: Int) throws -> Sampler {
        guard (1...990).contains(stride) else { throw NotebookLibrary.failure("stride must be in 1...990, got \(stride)", NotebookLibrary.Parameters.stride) }
        return try configured(NoiseSchedule.stridedTimesteps(start: 990 - 990 % stride, stride: stride))
    }

    /// A sampler taking `steps` model steps from t = 990 to 0 (`NoiseSchedule.timesteps(steps:)`).
    func sampler(steps: Int) throws -> Sampler {
        guard (1...990).contains(steps) else { throw NotebookLibrary.failure("steps must be in 1...990, got \(steps)", NotebookLibrary.Parameters.steps) }
        return try configured(NoiseSchedule.timesteps(steps: steps))
    }

    private func configured(_ timesteps: [Int]) throws -> Sampler {
        wired(try Sampler(denoiser: try denoiser(), timesteps: timesteps))
    }

    /// `sampler` reporting its steps as the cell's progress and stopping when the run is cancelled.
    func wired(_ sampler: Sampler) -> Sampler {
        var sampler = sampler
        let (session, operation) = (self.session, self.operation)
        sampler.progress = { step, total in session.progress(step, total, operation) }
        sampler.isCancelled = session.isCancelled
        return sampler
    }

    /// The model, with the patch schedule the call asks for (`patches: "41@750 31@550 7@0"`,
    /// or one size for every step) when it asks for one.
    private func denoiser() throws -> any Denoiser {
        let patches = NotebookLibrary.Parameters.patches
        guard let text = try arguments[patches] else { return model.denoiser }
        guard let withPatches = model.withPatches else {
            throw NotebookLibrary.failure("only the built-in local-score model has a patch schedule; this notebook runs on \(model.denoiser.displayName)", patches)
        }
        var stages = [PatchSchedule.Stage]()
        for part in text.split(separator: " ") {
            let pieces = part.split(separator: "@")
            guard (1...2).contains(pieces.count), let size = Int(pieces[0]), let from = pieces.count == 2 ? Int(pieces[1]) : 0 else {
                throw NotebookLibrary.failure("cannot read patch stage '\(part)': write SIZE@FROM, e.g. \"41@750 21@350 7@0\"", patches)
            }
            stages.append(PatchSchedule.Stage(from: from, size: size))
        }
        do { return withPatches(try PatchSchedule(stages: stages)) } catch { throw NotebookLibrary.failure("\(error)", patches) }
    }

    /// A start index into the sampler's timesteps.
    func index(_ parameter: Param<Int>, _ sampler: Sampler) throws -> Int {
        let i = try arguments[parameter]
        guard i >= 0, i < sampler.timesteps.count - 1 else {
            let steps = sampler.timesteps.count - 1
            throw NotebookLibrary.failure("\(parameter.name) = \(i) is out of range: it indexes the \(steps) steps from t = \(sampler.timesteps[0]) to 0, so it must be in 0...\(steps - 1)", parameter)
        }
        return i
    }

    /// An image argument as the model's input: `[1, 3, side, side]` in [-1, 1].
    func modelInput(_ parameter: Param<ImageValue>) throws -> Tensor {
        let image = try arguments[parameter]
        guard image.channels == 3 else {
            throw NotebookLibrary.failure("the model needs an RGB image, got \(image.channels) channel(s); use .rgb()", parameter)
        }
        guard image.height == side, image.width == side else {
            throw NotebookLibrary.failure("the model works on \(side)x\(side) images, got \(image.width)x\(image.height); use .resized(to: \(side))", parameter)
        }
        return try image.modelTensor.reshaped([1] + image.tensor.shape)
    }

    /// Pure noise for `count` images.
    func pureNoise() throws -> Tensor {
        let parameter = NotebookLibrary.Parameters.count
        let count = try arguments[parameter]
        guard (1...16).contains(count) else { throw NotebookLibrary.failure("count must be in 1...16, got \(count)", parameter) }
        return random.normal(shape: [count, 3, side, side])
    }

    /// Runs the loop and returns the image (or, for a batch, the images; with `keepEvery`,
    /// every k-th step's image followed by the final one).
    func denoise(_ sampler: Sampler, x: Tensor, iStart: Int, prompt: String, operation: String,
                 estimate: Sampler.Estimator,
                 afterStep: ((Tensor, Int, inout CallNoise) throws -> Tensor)? = nil,
                 modelName: String? = nil) throws -> Value {
        try Self.denoise([Member(run: self, x: x, iStart: iStart, operation: operation)], sampler: sampler, prompt: prompt,
                         estimate: estimate, afterStep: afterStep.map { step in { _, x, t, random in try step(x, t, &random) } },
                         modelName: modelName)[0]
    }

    /// One call of several whose loops run together: its own call, start and label.
    struct Member {
        let run: DiffusionCall
        let x: Tensor
        let iStart: Int
        let operation: String
    }

    /// Runs the members' loops as one (`Sampler.denoise(_ loops:)`: each gets the values it gets
    /// alone) and returns each member's value, as `denoise` returns it for one call. The
    /// members are calls of one built-in that differ only in their start or image; each draws
    /// from its own noise, and the first's `keepEvery` applies to all.
    static func denoise(_ members: [Member], sampler: Sampler, prompt: String, estimate: Sampler.Estimator,
                        afterStep: ((Int, Tensor, Int, inout CallNoise) throws -> Tensor)? = nil,
                        modelName: String? = nil) throws -> [Value] {
        guard let first = members.first?.run else { return [] }
        let parameter = NotebookLibrary.Parameters.keepEvery
        let keepEvery = try first.arguments[parameter]
        if let keepEvery, keepEvery < 1 { throw NotebookLibrary.failure("keepEvery must be at least 1, got \(keepEvery)", parameter) }
        var loops = members.map { Sampler.Loop($0.x, iStart: $0.iStart, random: $0.run.random) }
        let results: [(image: Tensor, intermediates: [(t: Int, image: Tensor)])]
        do {
            results = try sampler.denoise(&loops, keepEvery: keepEvery, estimate: estimate, afterStep: afterStep)
        } catch DiffusionError.cancelled {
            throw BuiltinFailure("interrupted", kind: .cancelled)
        } catch let failure as BuiltinFailure {
            throw failure
        } catch {
            throw NotebookLibrary.failure("\(error)")
        }
        return zip(members, zip(results, loops)).map { member, outcome in
            let (result, loop) = outcome
            let run = member.run
            run.random = loop.random
            let steps = sampler.timesteps.count - 1 - member.iStart
            var values = [Value]()
            if keepEvery != nil {
                for (t, image) in result.intermediates where t > 0 {
                    values.append(run.image(image, prompt: prompt, steps: steps, operation: "\(member.operation) at t = \(t)", modelName: modelName))
                }
            }
            for b in 0..<result.image.shape[0] {
                values.append(run.image(result.image.slice(b).reshaped1(), prompt: prompt, steps: steps, operation: member.operation,
                                        modelName: modelName))
            }
            return values.count == 1 ? values[0] : .array(values)
        }
    }

    /// A model-range `[1, 3, H, W]` (or `[3, H, W]`) tensor as a cell image with provenance
    /// (made by the notebook's model unless `modelName` says otherwise).
    func image(_ x: Tensor, prompt: String, steps: Int, operation: String, modelName: String? = nil) -> Value {
        let pixels = x.rank == 4 ? x.slice(0) : x
        // A patch schedule changes what the model does, so the line says which one ran.
        var named = operation
        if let patches = (try? arguments[NotebookLibrary.Parameters.patches]) ?? nil {
            named = operation.hasSuffix(")") ? operation.dropLast() + ", patches \(patches))" : operation + "(patches \(patches))"
        }
        let provenance = Provenance(model: modelName ?? model.denoiser.displayName, prompt: prompt, seed: session.seed,
                                    callSeed: random.seedArgument, steps: steps,
                                    operation: named, embedding: embeddingSources.isEmpty ? nil : embeddingSources.joined(separator: ", "))
        return .native(ImageValue(pixels.fromModelRange(), provenance: provenance))
    }
}

private extension Tensor {
    /// `[3, H, W]` as `[1, 3, H, W]`.
    func reshaped1() -> Tensor { Tensor(shape: [1] + shape, scalars: scalars) }
}
