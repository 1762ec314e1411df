/// Where an image came from, carried with it so every figure can say which model, prompt,
/// seed and step count made it. Fields that two combined images disagree on are dropped.
public struct Provenance: Sendable, Codable, Equatable {
    /// The model that produced the image, if any.
    public var model: String?
    /// The prompt(s) that conditioned it.
    public var prompt: String?
    /// The notebook seed of the run that made it.
    public var seed: UInt64?
    /// The call's own `seed:` argument when it gave one (its noise is that seed's numbered
    /// draws); nil when the noise came from the notebook's stream.
    public var callSeed: Int?
    /// The number of denoising steps.
    public var steps: Int?
    /// The operation that made it, e.g. "forward(t: 250)".
    public var operation: String?
    /// The file it was loaded from.
    public var source: String?
    /// Where the prompts' text embeddings came from ("prompt_embeds_dict.pth", "T5 encoder
    /// of IF-I-L-v1.0"), for models that read embeddings.
    public var embedding: String?

    /// A provenance with the given fields.
    public init(model: String? = nil, prompt: String? = nil, seed: UInt64? = nil, callSeed: Int? = nil, steps: Int? = nil,
                operation: String? = nil, source: String? = nil, embedding: String? = nil) {
        self.model = model
        self.prompt = prompt
        self.seed = seed
        self.callSeed = callSeed
        self.steps = steps
        self.operation = operation
        self.source = source
        self.embedding = embedding
    }

    /// The fields both provenances agree on (used for arithmetic on two images).
    public func merged(with other: Provenance) -> Provenance {
        Provenance(model: model == other.model ? model : nil,
                   prompt: prompt == other.prompt ? prompt : nil,
                   seed: seed == other.seed ? seed : nil,
                   callSeed: callSeed == other.callSeed ? callSeed : nil,
                   steps: steps == other.steps ? steps : nil,
                   operation: nil,
                   source: source == other.source ? source : nil,
                   embedding: embedding == other.embedding ? embedding : nil)
    }

    /// The `noise` field of an image drawn from the numbered draws of a call's `seed:`.
    public static let seedArgumentNoise = "seed: argument"
    /// The `noise` field of an image drawn from the call's stream under the notebook seed.
    public static let notebookStreamNoise = "notebook stream"

    /// The fields as strings, for the JSON sidecar of each published image: `seed` is the
    /// seed the noise came from, and `noise` says which: "seed: argument" (numbered draws of
    /// the call's own seed) or "notebook stream" (the call's stream under the notebook seed).
    public var fields: [String: String] {
        var f = [String: String]()
        if let model { f["model"] = model }
        if let prompt { f["prompt"] = prompt }
        if let callSeed {
            f["seed"] = String(callSeed)
            f["noise"] = Self.seedArgumentNoise
        } else if let seed {
            f["seed"] = String(seed)
            f["noise"] = Self.notebookStreamNoise
        }
        if let steps { f["steps"] = String(steps) }
        if let operation { f["operation"] = operation }
        if let source { f["source"] = source }
        if let embedding { f["embedding"] = embedding }
        return f
    }
}
