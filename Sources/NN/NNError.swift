import Diagnostics
import Tensor

/// Errors from the layer library: weights that do not match the shapes a configuration
/// implies. Each names the tensor at fault.
public enum NNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tensor the configuration needs that the weights lack.
    case missingTensor(name: String, expectedShape: [Int])
    /// A tensor whose shape differs from the one the configuration implies.
    case misshapenTensor(name: String, shape: [Int], expectedShape: [Int])
    /// Tensors in the weights that the configuration does not use (sorted).
    case unexpectedTensors([String])

    /// A one-line message naming the tensor and the shapes.
    public var description: String {
        switch self {
        case let .missingTensor(name, expected):
            return "weights: tensor '\(name)' is missing (expected shape \(Tensor.format(expected)))"
        case let .misshapenTensor(name, shape, expected):
            return "weights: tensor '\(name)' has shape \(Tensor.format(shape)), but the configuration implies \(Tensor.format(expected))"
        case let .unexpectedTensors(names):
            let listed = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            let more = names.count > 5 ? " and \(names.count - 5) more" : ""
            let noun = names.count == 1 ? "tensor" : "tensors"
            return "weights: \(names.count) unexpected \(noun) not used by the configuration: \(listed)\(more)"
        }
    }
}

extension NNError: DiagnosticConvertible {
    /// The message as it reads (it names the file or value at fault), ending a command with
    /// status 65.
    public var diagnostic: Diagnostic { Diagnostic(description, status: .dataError) }
}
