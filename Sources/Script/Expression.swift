/// An expression node with the source text it came from.
public struct Expression: Sendable {
    /// The shape of the expression.
    public indirect enum Kind: Sendable {
        /// `42`, `1_000`.
        case integer(Int)
        /// `0.5`, `1e-3`.
        case double(Double)
        /// `true`, `false`.
        case bool(Bool)
        /// A string literal: text pieces and interpolated expressions in order.
        case string([StringPart])
        /// A name: a variable or a global function.
        case identifier(String)
        /// `$0`, `$1` inside a closure.
        case anonymousParameter(Int)
        /// `[a, b, c]`.
        case array([Expression])
        /// `(a, b)`: a tuple, held as an array of its elements.
        case tuple([Expression])
        /// `-x`, `!x`.
        case unary(UnaryOperator, Expression)
        /// `a + b`, `a == b`, `a && b`.
        case binary(InfixOperator, Expression, Expression)
        /// `a..<b` (`closed` false) or `a...b` (`closed` true).
        case range(Expression, Expression, closed: Bool)
        /// `c ? a : b`.
        case ternary(Expression, Expression, Expression)
        /// `f(x, label: y)`, `x.method(y)`; a trailing closure is the last, unlabeled argument.
        case call(Expression, [Argument])
        /// `x.name`.
        case member(Expression, name: String, nameRange: SourceRange)
        /// `a[i]`.
        case subscripted(Expression, Expression)
        /// `{ x in x * 2 }`, `{ $0 > 1 }`.
        case closure(Closure)
        /// An operator passed as a function, as in `reduce(0, +)`.
        case operatorFunction(InfixOperator)
    }

    /// The shape of the expression.
    public var kind: Kind
    /// Source text of the whole expression (first line only when it spans lines).
    public var range: SourceRange

    /// Creates an expression node.
    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// A piece of a string literal.
public enum StringPart: Sendable {
    /// Literal text, escapes already resolved.
    case text(String)
    /// `\(expression)`.
    case interpolation(Expression)
}

/// One argument at a call site.
public struct Argument: Sendable {
    /// The label written before `:`, or nil for an unlabeled argument.
    public var label: String?
    /// Where the label is written, when there is one.
    public var labelRange: SourceRange?
    /// The argument's value.
    public var value: Expression
}

/// A closure literal: named parameters (`x, y in`, `(x: Int) -> Int in`) or anonymous ones (`$0`, `$1`).
public struct Closure: Sendable {
    /// Declared parameter names; `_` ignores a parameter. Empty when `$n` are used.
    public var parameters: [String]
    /// The declared type of each parameter, where one is written.
    public var parameterTypes: [TypeAnnotation?] = []
    /// One more than the largest `$n` used directly in the body (0 when none).
    public var anonymousParameterCount: Int
    /// The body; a single expression statement is the closure's result.
    public var body: [Statement]
}

/// Prefix operators.
public enum UnaryOperator: String, Sendable {
    /// Arithmetic negation.
    case negate = "-"
    /// Boolean not.
    case not = "!"
}

/// Infix operators, arithmetic, comparison and logical.
public enum InfixOperator: String, Sendable, CaseIterable {
    /// Arithmetic.
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    /// Comparison.
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    /// Short-circuit logic.
    case and = "&&", or = "||"

    /// Binding strength, as in Swift's precedence groups (higher binds tighter).
    var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return 3
        case .add, .subtract: return 5
        case .multiply, .divide, .remainder: return 6
        }
    }

    /// The arithmetic operator a native value is asked to implement, if this is one.
    var arithmetic: BinaryOperator? { BinaryOperator(rawValue: rawValue) }
}
