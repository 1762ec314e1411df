/// Arithmetic operators a native value may implement.
public enum BinaryOperator: String, Sendable {
    /// `+`
    case add = "+"
    /// `-`
    case subtract = "-"
    /// `*`
    case multiply = "*"
    /// `/`
    case divide = "/"
    /// `%`
    case remainder = "%"
}
