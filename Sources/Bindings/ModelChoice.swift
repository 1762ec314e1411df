import Diffusion

/// The model a notebook runs on, resolved before its cells run but loaded only when a
/// cell first calls it.
public struct ModelChoice: Sendable {
    /// The name shown on pages ("built-in emoji model", "DeepFloyd IF-I-L v1.0 (fp16)").
    public var displayName: String
    /// A stable identity for cache keys (weights digest or built-in version).
    public var identity: String
    /// Loads the model; nil when the notebook has no model.
    public var load: (@Sendable () throws -> any Denoiser)?

    /// A choice from its parts.
    public init(displayName: String, identity: String, load: (@Sendable () throws -> any Denoiser)?) {
        self.displayName = displayName
        self.identity = identity
        self.load = load
    }

    /// No model: only the model-free built-ins work.
    public static let none = ModelChoice(displayName: "no model", identity: "none", load: nil)
}
