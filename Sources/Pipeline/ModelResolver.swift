import DeepFloyd
import Diagnostics
import Diffusion
import Digest
import EmojiModel
import Foundation
import Imaging
import JSON
import NN
import Tensor
import TextDistance
import Weights

/// Turns a model request (a notebook's, under the command line's) into a model: the catalog
/// entry says which family, this type locates its files, assembles its components (text
/// conditioning, stage I) and loads each model at most once per run. The command line, the
/// runner and the bench all build models through it.
public final class ModelResolver: @unchecked Sendable {
    /// The file name the course gives its precomputed prompt embeddings.
    public static let embeddingsFileName = "prompt_embeds_dict.pth"

    private let projectRoot: String
    private let commandLine: ModelRequest
    private let lock = NSLock()
    private var loaded: [String: LoadedModel] = [:]
    private var loadedUpsamplers: [String: Upsampler] = [:]
    private var warned = Set<String>()
    private let warn: @Sendable (String) -> Void

    /// A resolver for notebooks in `projectRoot`; `commandLine` holds the command line's
    /// choices, which override each notebook's; `warn` prints a one-time remark (e.g. weights
    /// found without embeddings).
    public init(projectRoot: String, commandLine: ModelRequest = ModelRequest(),
                warn: @escaping @Sendable (String) -> Void = { _ in }) {
        self.projectRoot = projectRoot
        self.commandLine = commandLine
        self.warn = warn
    }

    /// The model for a notebook that asks for `notebook` (the command line's choices win).
    public func choose(_ notebook: ModelRequest) throws -> ModelChoice {
        let request = commandLine.over(notebook)
        let name = request.model ?? ModelCatalog.defaultName
        let entry = try ModelCatalog.entry(named: name)
        let bfloat16 = try (request.precision ?? .fp32).kernel()
        if bfloat16 != nil, !entry.family.takesPrecision {
            warnOnce("noisebook: precision bf16 applies to DeepFloyd IF's UNet; the \(name) model runs as always")
        }
        switch entry.family {
        case .closedForm(let posteriorMean):
            return try builtin(posteriorMean: posteriorMean)
        case .trained:
            guard let folder = request.weights ?? Self.modelsFolder(projectRoot: projectRoot, named: "trained") else {
                throw PipelineError(usage: true, "the trained model is not here: it is looked for in Models/trained (or give weights: / --weights DIR); tools/train/README.md says how to make it")
            }
            return try trained(folder: folder, request)
        case .automatic, .deepFloyd:
            break
        }
        // Without DeepFloyd weights: the trained UNet once its training has finished, else
        // the closed-form emoji model.
        let fallback = { [self] () throws -> ModelChoice in
            guard let folder = Self.modelsFolder(projectRoot: projectRoot, named: "trained") else {
                return try builtin(posteriorMean: false)
            }
            if let progress = Self.unfinishedTraining(folder) {
                warnOnce("noisebook: \(folder) is still in training (\(progress)); auto runs the closed-form emoji model until it has finished (model: trained runs it as it is)")
                return try builtin(posteriorMean: false)
            }
            return try trained(folder: folder, request)
        }
        let preferred = entry.family == .deepFloyd ? name : nil
        guard let found = try WeightsLocator().resolve(explicit: request.weights, preferred: preferred) else {
            return try fallback()
        }
        let embeddingsFile = request.embeddings
            ?? ([projectRoot] + [request.notebookFolder, found.folder].compactMap { $0 }).map { $0 + "/" + Self.embeddingsFileName }
                .first { FileManager.default.fileExists(atPath: $0) }
        let textEncoder = WeightsLocator().textEncoder(for: found)
        if embeddingsFile == nil && textEncoder == nil {
            let needs = "no text encoder (text_encoder/ and tokenizer/ of the snapshot) and no \(Self.embeddingsFileName)"
            if entry.family == .automatic {
                warnOnce("noisebook: found \(found.name) at \(found.folder) but \(needs) (download them, or put the embeddings file in the project folder or pass --embeddings FILE); running on the default model")
                return try fallback()
            }
            throw PipelineError(usage: true, "\(found.name) has \(needs): download its text_encoder/ and tokenizer/ folders (docs/models.md: Using DeepFloyd IF), or put the course's \(Self.embeddingsFileName) in \(projectRoot) or pass --embeddings FILE")
        }
        let schedule = try ModelLoader.schedule(found)
        // Hashed once: the identity reads the ends of every checkpoint shard.
        let encoderIdentity = textEncoder.map(ModelLoader.identity)
        var textIdentities = [String]()
        if let embeddingsFile { textIdentities.append("embeddings:" + Self.fileDigest(embeddingsFile)) }
        if let encoderIdentity { textIdentities.append(encoderIdentity) }
        // bf16 products give other numbers than fp32's, so the precision is part of stage I.
        let stageOne = ModelLoader.identity(found) + (bfloat16 == nil ? "" : " precision:bf16")
        let components = [ModelComponent(role: "text", identity: textIdentities.joined(separator: " + ")),
                          ModelComponent(role: "stage I", identity: stageOne)]
        let identity = components.map(\.identity).joined(separator: " ")
        let upsampler = try upsampler(request, search: true)
        let promptCache = projectRoot + "/.noisebook/prompts"
        let displayName = ModelLoader.displayName(found) + (bfloat16 == nil ? "" : ", bf16 products")
        // The longest IF name the snapshot's name starts with ("IF-I-XL" before "IF-I-L"...).
        let ifName = ModelCatalog.entries.filter { $0.family == .deepFloyd && found.name.hasPrefix($0.name) }
            .map(\.name).max { $0.count < $1.count } ?? found.name
        return ModelChoice(displayName: displayName, name: ifName, components: components, schedule: schedule,
                           upsampler: upsampler) { [self] in
            try self.memo(\.loaded, identity) {
                let denoiser = try ModelLoader.loadIF(found, residency: bfloat16.map { .bfloat16($0) } ?? .automatic)
                let table = try embeddingsFile.map { try PromptEmbeddings.load($0) }
                let encoder: PromptEncoder? = if let textEncoder, let encoderIdentity {
                    PromptEncoder(found: textEncoder, identity: encoderIdentity, cacheFolder: promptCache) {
                        try ModelLoader.loadTextEncoder(textEncoder)
                    }
                } else { nil }
                return LoadedModel(denoiser: denoiser, side: denoiser.unet.config.sampleSize, condition: { prompt in
                    try Self.condition(prompt, table: table, encoder: encoder)
                })
            }
        }
    }

    /// A prompt's condition for DeepFloyd IF: the embeddings file's when it holds exactly that
    /// prompt (the course's own numbers), else the T5 encoder's; without an encoder, an error
    /// naming the closest stored prompts and what to download.
    static func condition(_ prompt: String, table: PromptEmbeddings?, encoder: PromptEncoder?) throws -> Condition {
        if let table, let stored = table.embedding(for: prompt) {
            let embedding = stored.rank == 3 ? stored.slice(0) : stored                         // [77, 4096]
            return Condition(prompt: prompt, embedding: embedding, embeddingSource: (table.file as NSString).lastPathComponent)
        }
        guard let encoder else {
            let missing = table.map { "\($0.missing(prompt))" } ?? "no embedding for prompt '\(prompt)'"
            throw PipelineError("\(missing); for any prompt, download the text encoder (text_encoder/ and tokenizer/ of DeepFloyd/IF-I-L-v1.0; docs/models.md: Using DeepFloyd IF)")
        }
        // Classifier-free guidance asks for "" next: encode it in the same pass unless stored.
        let unconditionalStored = table?.embedding(for: "") != nil
        let batch = prompt.isEmpty || unconditionalStored ? [prompt] : [prompt, ""]
        let embedding = try encoder.embeddings(for: batch)[0]                                  // [77, d_model]
        return Condition(prompt: prompt, embedding: embedding, embeddingSource: "T5 encoder of \(encoder.found.name)")
    }

    /// Stage II for a model that conditions on prompt embeddings: the folder the request
    /// names, else (with `search`) IF-II-L or IF-II-M in the Hugging Face cache.
    private func upsampler(_ request: ModelRequest, search: Bool) throws -> UpsamplerChoice? {
        guard request.weights2 != nil || search, let found = try WeightsLocator().resolveStageII(explicit: request.weights2) else { return nil }
        let noising = ModelLoader.imageNoisingConfig(found)
        let identity = "stage II:" + ModelLoader.identity(found) + " noising:"
            + (FileManager.default.fileExists(atPath: noising) ? Self.fileDigest(noising) : "default")
        return UpsamplerChoice(displayName: ModelLoader.displayName(found), identity: identity) { [self] in
            try self.memo(\.loadedUpsamplers, identity) { try ModelLoader.loadStageII(found) }
        }
    }

    /// The built-in emoji model (local score, or the exact posterior mean).
    public func builtin(posteriorMean: Bool = false) throws -> ModelChoice {
        let folder = try Self.builtinFolder(projectRoot: projectRoot)
        let captionsPath = folder + "/captions.json", atlasPath = folder + "/atlas.png"
        guard let captions = FileManager.default.contents(atPath: captionsPath) else {
            throw PipelineError("cannot read \(captionsPath)")
        }
        let kind = posteriorMean ? "posterior-mean" : "local-score"
        let identity = "builtin-\(kind)/v1:" + SHA256.hex([UInt8](captions)) + (posteriorMean ? "" : " patches:\(PatchSchedule.emoji64)")
        let displayName = posteriorMean ? "built-in emoji model (posterior mean)" : "built-in emoji model (local score)"
        let schedule = NoiseSchedule.builtin()
        let components = [ModelComponent(role: "stage I", identity: identity),
                          ModelComponent(role: "schedule", identity: ModelChoice.identity(of: schedule))]
        return ModelChoice(displayName: displayName, name: posteriorMean ? "builtin-mean" : "builtin-local",
                           components: components, schedule: schedule) { [self] in
            try self.memo(\.loaded, identity) {
                guard let atlasBytes = FileManager.default.contents(atPath: atlasPath) else { throw PipelineError("cannot read \(atlasPath)") }
                let atlas = try PNG.decode([UInt8](atlasBytes), name: atlasPath)
                let set = try EmojiSet(atlas: atlas, captionsJSON: captions, file: captionsPath)
                guard SHA256.hex([UInt8](atlasBytes)) == set.atlasSHA256 else {
                    throw PipelineError("\(atlasPath) does not match the digest recorded in captions.json; rebuild it with tools/emoji/make_emoji_set.py")
                }
                if posteriorMean {
                    let model = PosteriorMeanDenoiser(set: set)
                    return LoadedModel(denoiser: model, promptNote: { Self.note(model.match($0)) })
                }
                let model = LocalScoreDenoiser(set: set)
                return LoadedModel(denoiser: model, promptNote: { Self.note(model.match($0)) },
                                   withPatches: { LocalScoreDenoiser(set: set, patchSchedule: $0) })
            }
        }
    }

    /// The trained model in `folder` as a notebook would use it: with the stage II the request
    /// names, if any (it is never looked for in the Hugging Face cache for this model).
    private func trained(folder: String, _ request: ModelRequest) throws -> ModelChoice {
        var choice = try trained(folder: folder)
        choice.upsampler = try upsampler(request, search: false)
        return choice
    }

    /// The IF-shaped UNet trained on emoji and clip art in `folder` (`tools/train/train.py`'s
    /// format): the UNet and scheduler as a DeepFloyd snapshot, and the word table in `text/`.
    public func trained(folder: String) throws -> ModelChoice {
        let found = try WeightsLocator().inspect(folder: folder, name: "trained UNet")
        let vocabularyPath = folder + "/text/vocabulary.json", tablePath = folder + "/text/embeddings.safetensors"
        guard let vocabulary = FileManager.default.contents(atPath: vocabularyPath) else {
            throw PipelineError("cannot read \(vocabularyPath)")
        }
        let keys = try ConfigKeys(json: [UInt8](vocabulary), file: vocabularyPath)
        guard let words = try keys.strings("words"), words.first == "<pad>" else {
            throw ConfigError(file: vocabularyPath, key: "words", reason: "must list the vocabulary, starting with \"<pad>\"")
        }
        let tokens = try keys.int("tokens") ?? 77
        let schedule = try ModelLoader.schedule(found)
        let components = [ModelComponent(role: "text", identity: "words:" + Self.fileDigest(vocabularyPath) + " table:" + Self.fileDigest(tablePath)),
                          ModelComponent(role: "stage I", identity: ModelLoader.identity(found))]
        let identity = components.map(\.identity).joined(separator: " ")
        let displayName = "trained UNet (\(found.variant.rawValue))"
        return ModelChoice(displayName: displayName, name: "trained", components: components, schedule: schedule) { [self] in
            try self.memo(\.loaded, identity) {
                let loaded = try ModelLoader.loadIF(found)
                let denoiser = IFDenoiser(unet: loaded.unet, schedule: loaded.schedule, displayName: displayName, identity: loaded.identity)
                let file = try SafetensorsFile(path: tablePath)
                let table = try WordTable(words: words, embeddings: try file.tensor(named: "word_embeddings"), tokens: tokens)
                guard table.width == denoiser.unet.config.textEmbedDim else {
                    throw PipelineError("\(tablePath): word vectors of width \(table.width), but the UNet reads \(denoiser.unet.config.textEmbedDim)")
                }
                return LoadedModel(denoiser: denoiser, side: denoiser.unet.config.sampleSize,
                                   condition: { Condition(prompt: $0, embedding: table.embedding(for: $0)) },
                                   promptNote: { prompt in
                                       let unknown = table.rows(for: prompt).unknown
                                       return unknown.isEmpty ? nil : "the trained model does not know "
                                           + unknown.map { "'\($0)'" }.joined(separator: ", ") + " (left out of \"\(prompt)\")"
                                   })
            }
        }
    }

    /// The page's remark about a prompt that matched no caption.
    private static func note(_ match: PromptMatch) -> String? {
        guard match.isUnconditional, !match.contentWords.isEmpty else { return nil }
        return match.summary
    }

    /// What `load` makes, made at most once per identity per run.
    private func memo<Value>(_ store: ReferenceWritableKeyPath<ModelResolver, [String: Value]>, _ identity: String,
                             _ load: () throws -> Value) throws -> Value {
        if let value = lock.withLock({ self[keyPath: store][identity] }) { return value }
        let value = try load()
        lock.withLock { self[keyPath: store][identity] = value }
        return value
    }

    private func warnOnce(_ message: String) {
        if lock.withLock({ warned.insert(message).inserted }) { warn(message) }
    }

    /// Where the built-in model's files are: `$NOISEBOOK_MODELS/emoji`, the project's
    /// `Models/emoji`, or `Models/emoji` in the package the executable was built in.
    public static func builtinFolder(projectRoot: String) throws -> String {
        guard let folder = modelsFolder(projectRoot: projectRoot, named: "emoji", marker: "captions.json") else {
            throw PipelineError("cannot find the built-in model (Models/emoji/captions.json); looked in: "
                                + modelsCandidates(projectRoot: projectRoot, named: "emoji").joined(separator: ", "))
        }
        return folder
    }

    /// "step 2170 of 2500" when `folder`'s training.json says its training has not finished;
    /// nil when it has (or when the folder keeps no record, as a user's own export may not).
    static func unfinishedTraining(_ folder: String) -> String? {
        let path = folder + "/training.json"
        guard let data = FileManager.default.contents(atPath: path),
              let keys = try? ConfigKeys(json: [UInt8](data), file: path),
              (try? keys.bool("finished")) == false else { return nil }
        let step = (try? keys.int("steps")) ?? nil, planned = (try? keys.int("planned_steps")) ?? nil
        return "step \(step.map(String.init) ?? "?") of \(planned.map(String.init) ?? "?")"
    }

    /// The folder of the model `auto` falls back to without DeepFloyd weights: Models/trained
    /// once its training has finished, else Models/emoji (nil when neither is found).
    public static func defaultModelFolder(projectRoot: String) -> String? {
        if let trained = modelsFolder(projectRoot: projectRoot, named: "trained"), unfinishedTraining(trained) == nil { return trained }
        return modelsFolder(projectRoot: projectRoot, named: "emoji", marker: "captions.json")
    }

    /// `Models/<name>` holding `marker`: under `$NOISEBOOK_MODELS`, the project, or the package
    /// the executable was built in.
    static func modelsFolder(projectRoot: String, named name: String, marker: String = "unet/config.json") -> String? {
        modelsCandidates(projectRoot: projectRoot, named: name).first { FileManager.default.fileExists(atPath: $0 + "/" + marker) }
    }

    private static func modelsCandidates(projectRoot: String, named name: String) -> [String] {
        var candidates = [String]()
        if let models = Knob.models.value() { candidates.append(models + "/" + name) }
        candidates.append(projectRoot + "/Models/" + name)
        // The package folder holding .build/<triple>/<configuration>/noisebook.
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent("Models/" + name).path)
        }
        return candidates
    }

    private static func fileDigest(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "unreadable" }
        return SHA256.hex([UInt8](data))
    }
}

/// A problem choosing or assembling a model: a bad name on the command line (a usage
/// error), or files the model needs that are missing or damaged.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var description: String
    /// Whether the command line asked for something impossible (exit status 64).
    public var isUsage: Bool

    /// An error; `usage` marks a mistake in the command line.
    public init(usage: Bool = false, _ description: String) {
        self.description = description
        self.isUsage = usage
    }
}

extension PipelineError: DiagnosticConvertible {
    /// A usage error (status 64) or an unusable model folder (65).
    public var diagnostic: Diagnostic { Diagnostic(description, status: isUsage ? .usage : .dataError) }
}
