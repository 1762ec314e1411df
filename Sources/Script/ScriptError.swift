/// A diagnostic from parsing or running a cell: what went wrong, where, and hints.
public struct ScriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The family of a diagnostic, so callers can react without parsing messages.
    public enum Kind: Sendable, Equatable {
        /// Malformed source: unexpected token, unterminated string, nesting too deep.
        case syntax
        /// A name, function or member that does not exist.
        case unknownName
        /// An argument label that no parameter of the function has.
        case unknownLabel
        /// A required argument that the call did not pass.
        case missingArgument
        /// An argument the call passed that no parameter takes.
        case extraArgument
        /// A value whose type the operation cannot use.
        case wrongType
        /// An assignment to, or mutation of, a `let` constant.
        case immutable
        /// A second declaration of a name in the same scope.
        case redeclaration
        /// A failure while running: division by zero, overflow, index out of range, host errors.
        case runtime
        /// Execution stopped because the host asked it to.
        case cancelled
    }

    /// The family of this diagnostic.
    public var kind: Kind
    /// One-line human message, e.g. "cannot find 'forwrd' in scope".
    public var message: String
    /// The offending source text, when known.
    public var range: SourceRange?
    /// Extra hints, e.g. "did you mean 'forward'?".
    public var notes: [String]
    /// A note about another place in the source, e.g. where a name was first declared;
    /// rendered with that place's own file position.
    public var related: RelatedNote?

    /// A note that points at another place of the same cell.
    public struct RelatedNote: Sendable, Equatable {
        /// "'a' was first declared here".
        public var message: String
        /// Where.
        public var range: SourceRange

        /// A note about `range`.
        public init(_ message: String, at range: SourceRange) {
            self.message = message
            self.range = range
        }
    }

    /// Creates a diagnostic.
    public init(kind: Kind, message: String, range: SourceRange? = nil, notes: [String] = [], related: RelatedNote? = nil) {
        self.kind = kind
        self.message = message
        self.range = range
        self.notes = notes
        self.related = related
    }

    /// `LINE:COL: message` (or just the message when there is no range), then the notes.
    public var description: String {
        var text = range.map { "\($0.start): \(message)" } ?? message
        if let related { text += "\n\(related.range.start): note: \(related.message)" }
        for note in notes { text += "\nnote: \(note)" }
        return text
    }
}
