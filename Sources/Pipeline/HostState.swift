/// What a notebook built-in can read besides its arguments: each is a part of the notebook's
/// model with an identity of its own (`ModelChoice.identity(of:)`), which the caches key a
/// result on when, and only when, the built-ins that made it declare the read.
public enum HostState: String, CaseIterable, Sendable, Codable {
    /// The model: weights, text conditioning and schedule.
    case model
    /// The noise schedule alone (`forward` and `alphaBar` need no weights).
    case schedule
    /// Stage II alone, so that adding its weights leaves every 64x64 figure cached.
    case upsampler

    /// How a change of it reads in the run log.
    public var changed: String {
        switch self {
        case .model: "model changed"
        case .schedule: "noise schedule changed"
        case .upsampler: "stage II model changed"
        }
    }

    /// Whether a built-in that declares `declared` may read this: the model's identity
    /// covers its schedule, so a built-in reading the model may also read the schedule.
    public func isCovered(by declared: Set<HostState>) -> Bool {
        declared.contains(self) || (self == .schedule && declared.contains(.model))
    }
}
