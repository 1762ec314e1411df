import Script
import Tensor

/// The built-in functions and methods a notebook's cells can call.
///
/// Each built-in's summary names the assignment function it implements, where there is one.
public enum NotebookLibrary {
    /// Built-ins that evaluate the model: a cell calling one has the model's identity in its
    /// cache key.
    public static let modelFunctions: Set<String> = [
        "oneStepDenoise", "iterativeDenoise", "iterativeDenoiseCFG", "sample", "sampleCFG",
        "sdedit", "inpaint", "visualAnagram", "hybridImage", "modelName",
    ]

    /// The library bound to `session`.
    public static func make(session: NotebookSession) -> Library {
        var library = Library()
        addOutputFunctions(to: &library, session: session)
        addImageFunctions(to: &library, session: session)
        addNoiseFunctions(to: &library, session: session)
        addDiffusionFunctions(to: &library, session: session)
        return library
    }

    /// A built-in from a compact parameter list: (label, name, default); a nil label is `_`.
    static func function(_ name: String, _ parameters: [(String?, String, Value?)], _ summary: String,
                         _ body: @escaping @Sendable (Arguments) throws -> Value) -> Builtin {
        Builtin(name: name,
                parameters: parameters.map { Builtin.Parameter(label: $0.0, name: $0.1, defaultValue: $0.2) },
                summary: summary, body: body)
    }

    /// The image argument `name`.
    static func image(_ arguments: Arguments, _ name: String) throws -> ImageValue {
        try arguments.native(name, as: ImageValue.self, typeName: "Image")
    }

    /// An image list argument (a single image counts as a list of one).
    static func images(_ arguments: Arguments, _ name: String) throws -> [ImageValue] {
        switch arguments[name] {
        case let .native(native as ImageValue):
            return [native]
        case let .array(items):
            return try items.enumerated().map { index, item in
                guard case let .native(native as ImageValue) = item else {
                    throw BuiltinFailure("element \(index) of '\(name)' is \(item.typeName), expected Image",
                                         parameter: name, kind: .wrongType, notes: [])
                }
                return native
            }
        default:
            throw BuiltinFailure("'\(name)' must be an Image or [Image], got \(arguments[name].typeName)",
                                 parameter: name, kind: .wrongType, notes: [])
        }
    }

    /// A string list argument.
    static func strings(_ arguments: Arguments, _ name: String) throws -> [String] {
        try arguments.array(name).enumerated().map { index, item in
            guard case let .string(s) = item else {
                throw BuiltinFailure("element \(index) of '\(name)' is \(item.typeName), expected String",
                                     parameter: name, kind: .wrongType, notes: [])
            }
            return s
        }
    }

    /// A failure about argument `parameter`.
    static func failure(_ message: String, _ parameter: String? = nil, notes: [String] = []) -> BuiltinFailure {
        BuiltinFailure(message, parameter: parameter, kind: .runtime, notes: notes)
    }
}
