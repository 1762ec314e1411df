import Diffusion

/// A model ready to run: the denoiser and how prompts become its conditions.
public struct LoadedModel: Sendable {
    /// The denoiser.
    public var denoiser: any Denoiser
    /// The side of the square images the model generates (64 for IF stage I and the built-in).
    public var side: Int
    /// The condition for a prompt (its embedding, for models that need one); throws for a
    /// prompt the model cannot take, naming the closest it can.
    public var condition: @Sendable (String) throws -> Condition
    /// A remark the page should carry about a prompt (e.g. that no caption matches it).
    public var promptNote: @Sendable (String) -> String?
    /// The same model with another patch schedule (the built-in local-score model only).
    public var withPatches: (@Sendable (PatchSchedule) -> any Denoiser)?

    /// A loaded model from its parts.
    public init(denoiser: any Denoiser, side: Int = 64,
                condition: @escaping @Sendable (String) throws -> Condition = { Condition(prompt: $0) },
                promptNote: @escaping @Sendable (String) -> String? = { _ in nil },
                withPatches: (@Sendable (PatchSchedule) -> any Denoiser)? = nil) {
        self.denoiser = denoiser
        self.side = side
        self.condition = condition
        self.promptNote = promptNote
        self.withPatches = withPatches
    }
}

/// The model a notebook runs on, resolved before its cells run but loaded only when a
/// cell first calls it.
public struct ModelChoice: Sendable {
    /// The name shown on pages ("built-in emoji model (local score)", "DeepFloyd IF-I-L v1.0 (fp16)").
    public var displayName: String
    /// A stable identity for cache keys (weights digest or built-in version).
    public var identity: String
    /// Loads the model; nil when the notebook has no model.
    public var load: (@Sendable () throws -> LoadedModel)?

    /// A choice from its parts.
    public init(displayName: String, identity: String, load: (@Sendable () throws -> LoadedModel)?) {
        self.displayName = displayName
        self.identity = identity
        self.load = load
    }

    /// No model: only the model-free built-ins work.
    public static let none = ModelChoice(displayName: "no model", identity: "none", load: nil)
}
