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
        /// `return e` inside a closure.
        case returnValue(Expression?)
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

/// A written type: `Int`, `Image`, `[Double]`.
public indirect enum TypeAnnotation: Sendable, Equatable, CustomStringConvertible {
    /// A named type.
    case named(String)
    /// An array of the element type.
    case array(TypeAnnotation)

    /// As written in Swift.
    public var description: String {
        switch self {
        case .named(let name): return name
        case .array(let element): return "[\(element)]"
        }
    }
}
