/// What a builtin or native value throws; the interpreter attaches the source range of the call
/// (or of the named argument, when `parameter` is set) and turns it into a `ScriptError`.
public struct BuiltinFailure: Error, Sendable, CustomStringConvertible {
    /// Human message, e.g. "guidance must be positive".
    public var message: String
    /// The parameter at fault, by name, so the caret points at that argument.
    public var parameter: String?
    /// Usually `.runtime` or `.wrongType`.
    public var kind: ScriptError.Kind
    /// Extra hints.
    public var notes: [String]

    /// Creates a failure.
    public init(_ message: String, parameter: String? = nil, kind: ScriptError.Kind = .runtime, notes: [String] = []) {
        self.message = message
        self.parameter = parameter
        self.kind = kind
        self.notes = notes
    }

    /// The message.
    public var description: String { message }
}
