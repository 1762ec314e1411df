import Diagnostics

/// Errors from tensor operations, carrying the shapes or values involved.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two shapes that an operation needed to agree (or broadcast) did not.
    case shapeMismatch(operation: String, [Int], [Int])
    /// An operation needed at least one tensor.
    case empty(operation: String)
    /// An axis outside `0..<rank`.
    case invalidAxis(operation: String, axis: Int, rank: Int)
    /// An argument outside the range the operation accepts.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, a, b):
            return "\(op): shapes \(Tensor.format(a)) and \(Tensor.format(b)) do not match"
        case let .empty(op):
            return "\(op): needs at least one tensor"
        case let .invalidAxis(op, axis, rank):
            return "\(op): axis \(axis) is out of range for a rank-\(rank) tensor"
        case let .invalidArgument(message):
            return message
        }
    }
}

extension Tensor {
    /// A shape written as `[3, 64, 64]`.
    public static func format(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}

extension TensorError: DiagnosticConvertible {
    /// The message as it reads (it names the file or value at fault), ending a command with
    /// status 65.
    public var diagnostic: Diagnostic { Diagnostic(description, status: .dataError) }
}
