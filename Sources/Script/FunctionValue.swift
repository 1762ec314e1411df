/// A function declared in a cell, as a value later cells can call.
///
/// It captures, by value, the globals its body reads where it is declared (earlier cells'
/// values, front-matter parameters, other functions), so calling it later gives the same
/// result whatever changed since; a cached cell that calls it is keyed on its source and
/// on those captured values.
public final class FunctionValue: Sendable {
    /// The declaration: parameters, result type, body and source text.
    public let declaration: FunctionDeclaration
    /// The globals the body reads, captured where the function was declared.
    public let captures: [String: Value]
    /// The global functions the body calls, directly or through the functions it captured:
    /// a host keys a cell that calls this function on what those read (the model...).
    public let calledFunctions: Set<String>

    /// A function value from its parts.
    public init(declaration: FunctionDeclaration, captures: [String: Value], calledFunctions: Set<String>) {
        self.declaration = declaration
        self.captures = captures
        self.calledFunctions = calledFunctions
    }

    /// `(Int, Image) -> Image`.
    public var typeName: String {
        "(" + declaration.parameters.map(\.type.description).joined(separator: ", ") + ") -> "
            + (declaration.returnType?.description ?? "Void")
    }

    /// Swift's way of naming it in messages: `f(_:label:)`.
    public var signature: String {
        declaration.name + "(" + declaration.parameters.map { ($0.label ?? "_") + ":" }.joined() + ")"
    }
}

extension FunctionValue {
    /// The function declared in `source` (as kept in `declaration.source`) with `captures`,
    /// as a cache restores it.
    public static func restore(source: String, name: String, captures: [String: Value]) throws -> FunctionValue {
        let program = try Parser.parse(source)
        for statement in program.statements {
            guard case .function(let declaration) = statement.kind, declaration.name == name else { continue }
            var called = program.functions[name]?.calledFunctions ?? []
            for case .function(let captured) in captures.values { called.formUnion(captured.calledFunctions) }
            return FunctionValue(declaration: declaration, captures: captures, calledFunctions: called)
        }
        throw ScriptError(kind: .runtime, message: "the stored source of function '\(name)' does not declare it")
    }
}

/// What the analysis finds out about a function declared in a cell.
public struct FunctionInfo: Sendable {
    /// Names the body reads from outside itself (captured where it is declared).
    public var freeNames: Set<String>
    /// Global functions the body calls.
    public var calledFunctions: Set<String>
}
