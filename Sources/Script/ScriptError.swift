import Diagnostics

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
    /// Where the failure is when it lies inside a function declared in an earlier cell
    /// (`range` is nil then): the host maps it to that function's own lines.
    public var inFunction: FunctionPosition?
    /// The calls that led to the failure, innermost first, ending at the running cell.
    public var callChain: [Call] = []

    /// A position inside a function's declaration: line 1 is the line of its `func`.
    public struct FunctionPosition: Sendable, Equatable {
        /// The function's name.
        public var function: String
        /// 1-based line within the declaration.
        public var line: Int
        /// 1-based column within that line.
        public var column: Int
        /// How many characters the offending text spans.
        public var length: Int

        /// A position from its parts.
        public init(function: String, line: Int, column: Int, length: Int) {
            self.function = function
            self.line = line
            self.column = column
            self.length = length
        }
    }

    /// One call on the way to a failure: `function` was called from `caller` (nil: the cell
    /// itself), at `range` in the cell or at `inFunction` inside an earlier cell's function.
    public struct Call: Sendable, Equatable {
        /// The function that was called.
        public var function: String
        /// The function whose body made the call; nil for the cell's own code.
        public var caller: String?
        /// The call's place in the running cell.
        public var range: SourceRange?
        /// The call's place inside a function declared in an earlier cell.
        public var inFunction: FunctionPosition?

        /// "'inner' called from 'outer' here" (or "from the cell").
        public var message: String { "'\(function)' called from \(caller.map { "'\($0)'" } ?? "the cell") here" }

        /// A call from its parts.
        public init(function: String, caller: String?, range: SourceRange?, inFunction: FunctionPosition?) {
            self.function = function
            self.caller = caller
            self.range = range
            self.inFunction = inFunction
        }
    }

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
        var text = range.map { "\($0.start): \(message)" }
            ?? inFunction.map { "in '\($0.function)', line \($0.line):\($0.column) of its declaration: \(message)" } ?? message
        if let related { text += "\n" + Diagnostic.line("\(related.range.start)", "note", related.message) }
        for call in callChain {
            let place = call.range.map { "\($0.start)" }
                ?? call.inFunction.map { "in '\($0.function)', line \($0.line):\($0.column) of its declaration" } ?? "?"
            text += "\n" + Diagnostic.line(place, "note", call.message)
        }
        for note in notes { text += "\nnote: \(note)" }
        return text
    }
}
