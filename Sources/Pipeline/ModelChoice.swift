import Diffusion
import Digest
import EmojiModel

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

/// One part of a model pipeline (its text conditioning, its stage I denoiser), with an identity that changes whenever what it computes can.
public struct ModelComponent: Sendable, Equatable {
    /// What the part does: "text", "stage I", "schedule".
    public var role: String
    /// A stable identity for cache keys (a digest of the files it is built from, or a
    /// built-in version).
    public var identity: String

    /// A component from its parts.
    public init(role: String, identity: String) {
        self.role = role
        self.identity = identity
    }
}

/// The model a notebook runs on, resolved before its cells run but loaded only when a
/// cell first calls it. Its noise schedule is known without loading any weights, so the
/// model-free built-ins (`forward`, `alphaBar`) compute the same whether or not a model was
/// loaded before them.
public struct ModelChoice: Sendable {
    /// The name shown on pages ("built-in emoji model (local score)", "DeepFloyd IF-I-L v1.0 (fp16)").
    public var displayName: String
    /// The parts, each with its identity.
    public var components: [ModelComponent]
    /// The noise schedule of the model (with its scheduler settings).
    public var schedule: NoiseSchedule
    /// Loads the model; nil when the notebook has no model.
    public var load: (@Sendable () throws -> LoadedModel)?
    /// Stage II, when its weights are here and the model can feed it prompt embeddings.
    public var upsampler: UpsamplerChoice?
    /// The model's name among those `model:` accepts ("IF-I-L", "trained", "builtin-local"),
    /// which model blocks of a notebook's prose are matched against; empty without a model.
    public var name: String

    /// A choice from its parts.
    public init(displayName: String, name: String = "", components: [ModelComponent], schedule: NoiseSchedule,
                upsampler: UpsamplerChoice? = nil, load: (@Sendable () throws -> LoadedModel)?) {
        self.displayName = displayName
        self.name = name
        self.components = components
        self.schedule = schedule
        self.upsampler = upsampler
        self.load = load
    }

    /// The identity of the whole model for cache keys: every component's, in order.
    public var identity: String {
        components.map { "\($0.role)=\($0.identity)" }.joined(separator: " ")
    }

    /// The identity of one part a built-in can read: the one map from host state to what
    /// the cell and call caches key on. The schedule's is a digest of its table (what
    /// `forward` and `alphaBar` depend on); stage II's is its own ("none" without one), so
    /// that adding stage II weights leaves every 64x64 figure cached.
    public func identity(of state: HostState) -> String {
        switch state {
        case .model: identity
        case .schedule: Self.identity(of: schedule)
        case .upsampler: upsampler?.identity ?? "none"
        }
    }

    /// No model: only the model-free built-ins work; they use DeepFloyd IF's schedule.
    public static let none = ModelChoice(displayName: "no model", components: [], schedule: .squaredCosine(), load: nil)

    /// A digest of a schedule's table and settings.
    public static func identity(of schedule: NoiseSchedule) -> String {
        var hasher = SHA256()
        for value in schedule.alphasCumprod { hasher.update(String(value.bitPattern, radix: 16) + ",") }
        hasher.update(String(describing: schedule.configuration))
        return "schedule:" + hasher.hexDigest()
    }
}
