/// A statement node with the source text it came from.
public struct Statement: Sendable {
    /// The shape of the statement.
    public indirect enum Kind: Sendable {
        /// `let x = e` (`isMutable` false) or `var x: T = e`; name `_` discards the value.
        case declaration(isMutable: Bool, name: String, nameRange: SourceRange, type: TypeAnnotation?, value: Expression)
        /// `x = e`, `a[i] += e`; `operator` is nil for plain assignment.
        case assignment(target: Expression, operator: InfixOperator?, value: Expression)
        /// An expression evaluated for its effect.
        case expression(Expression)
        /// `for pattern in sequence { body }`.
        case forIn(pattern: ForPattern, sequence: Expression, body: [Statement])
        /// `while condition { body }`.
        case whileLoop(condition: Expression, body: [Statement])
        /// `if c { } else if c { } else { }`.
        case conditional(branches: [ConditionalBranch], otherwise: [Statement]?)
        /// `break`.
        case breakLoop
        /// `continue`.
        case continueLoop
        /// `return e` inside a closure or function.
        case returnValue(Expression?)
        /// `func name(label param: Type = default) -> Type { body }`, at a cell's top level.
        case function(FunctionDeclaration)
        /// `let (a, b) = e` / `var (a, _) = e`: the elements of a pair (or longer tuple)
        /// bound to names; nil entries are `_`.
        case destructuring(isMutable: Bool, names: [String?], nameRanges: [SourceRange], value: Expression)
        /// `guard condition else { ... }`: the else block must leave the scope.
        case guardStatement(condition: Expression, otherwise: [Statement])
    }

    /// The shape of the statement.
    public var kind: Kind
    /// Source text of the statement's first token (or its whole first line).
    public var range: SourceRange

    /// Creates a statement node.
    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// One `if`/`else if` arm.
public struct ConditionalBranch: Sendable {
    /// The Bool condition.
    public var condition: Expression
    /// Statements run when it holds.
    public var body: [Statement]
}

/// What a `for` loop binds each element to.
public enum ForPattern: Sendable {
    /// `for x in`.
    case name(String)
    /// `for _ in`.
    case wildcard
    /// `for (i, x) in`; nil entries are `_`.
    case tuple([String?])
}

/// A function declared in a cell.
public struct FunctionDeclaration: Sendable {
    /// The function's name.
    public var name: String
    /// Where the name is written.
    public var nameRange: SourceRange
    /// Parameters in order.
    public var parameters: [FunctionParameter]
    /// The declared result type; nil returns nothing.
    public var returnType: TypeAnnotation?
    /// The body.
    public var body: [Statement]
    /// The declaration's source lines, as written: what a cached result that calls it is keyed on.
    public var source: String
}

/// One parameter of a declared function: `label name: Type = default`.
public struct FunctionParameter: Sendable {
    /// The argument label calls write; nil for `_`.
    public var label: String?
    /// The name the body reads.
    public var name: String
    /// The declared type.
    public var type: TypeAnnotation
    /// The value used when a call leaves the argument out.
    public var defaultValue: Expression?
}

/// A written type: `Int`, `Image`, `[Double]`, `(Image, Image)`.
public indirect enum TypeAnnotation: Sendable, Equatable, CustomStringConvertible {
    /// A named type.
    case named(String)
    /// An array of the element type.
    case array(TypeAnnotation)
    /// A tuple, held as an array of that many elements.
    case tuple([TypeAnnotation])

    /// As written in Swift.
    public var description: String {
        switch self {
        case .named(let name): return name
        case .array(let element): return "[\(element)]"
        case .tuple(let elements): return "(" + elements.map(\.description).joined(separator: ", ") + ")"
        }
    }
}
