/// A function the host (or Script itself) provides. Overloads share a name; the interpreter
/// picks the overload whose labels match the call, reports a wrong or missing label with the
/// closest-name suggestion, and fills defaults.
public struct Builtin: Sendable {
    /// One parameter: how calls label it, how the body looks it up, and its default.
    public struct Parameter: Sendable {
        /// The argument label at call sites; nil means unlabeled (`_`).
        public var label: String?
        /// The key the body reads it under in `Arguments`.
        public var name: String
        /// nil: the argument is required. `.void`: optional with no value (test with
        /// `Arguments.isPresent`). Anything else: the value used when the call omits it.
        public var defaultValue: Value?

        /// Creates a parameter; `label` nil is unlabeled.
        public init(label: String?, name: String, defaultValue: Value? = nil) {
            self.label = label
            self.name = name
            self.defaultValue = defaultValue
        }

        /// A labeled parameter whose label is also its name.
        public static func labeled(_ name: String, default defaultValue: Value? = nil) -> Parameter {
            Parameter(label: name, name: name, defaultValue: defaultValue)
        }

        /// An unlabeled parameter read under `name`.
        public static func unlabeled(_ name: String, default defaultValue: Value? = nil) -> Parameter {
            Parameter(label: nil, name: name, defaultValue: defaultValue)
        }

        /// A labeled parameter that may be omitted; the body checks `isPresent`.
        public static func optional(_ name: String, label: String? = nil) -> Parameter {
            Parameter(label: label ?? name, name: name, defaultValue: .void)
        }
    }

    /// The name calls use.
    public var name: String
    /// Parameters in call order.
    public var parameters: [Parameter]
    /// One line, shown in help and errors.
    public var summary: String
    /// The implementation; throws `BuiltinFailure` for argument problems.
    public var body: @Sendable (Arguments) throws -> Value
    /// What the host gives the built-in besides its arguments (e.g. "model", "schedule"):
    /// a host keys a cell's cached result on these for every built-in the cell calls.
    public var reads: Set<String>

    /// Creates a builtin; `reads` names the host state its result depends on.
    public init(name: String, parameters: [Parameter], summary: String, reads: Set<String> = [],
                body: @escaping @Sendable (Arguments) throws -> Value) {
        self.name = name
        self.parameters = parameters
        self.summary = summary
        self.reads = reads
        self.body = body
    }

    /// Swift-style signature with labels: `stride(from:to:by:)`, `show(_:caption:)`.
    public var signature: String {
        name + "(" + parameters.map { ($0.label ?? "_") + ":" }.joined() + ")"
    }
}
