import Tensor

/// Errors from the diffusion layer: configurations it cannot honour, weights that do not
/// match their configuration, and inputs of the wrong shape. Each names the file, key,
/// tensor or value at fault.
public enum DiffusionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration file that is not the JSON object expected (`file`: e.g. "config.json").
    case unreadableConfig(file: String, reason: String)
    /// A key whose value is missing, of the wrong type, or not supported.
    case invalidConfig(file: String, key: String, reason: String)
    /// A tensor the configuration needs that the weights lack.
    case missingTensor(name: String, expectedShape: [Int])
    /// A tensor whose shape differs from the one the configuration implies.
    case misshapenTensor(name: String, shape: [Int], expectedShape: [Int])
    /// Tensors in the weights that the configuration does not use (sorted).
    case unexpectedTensors([String])
    /// A model input of the wrong shape or value (`what` names it).
    case invalidInput(what: String, reason: String)
    /// A prompt without the text embedding the model needs.
    case missingEmbedding(prompt: String)
    /// A long computation stopped at the caller's request.
    case cancelled

    /// A one-line message naming what is wrong and where.
    public var description: String {
        switch self {
        case let .unreadableConfig(file, reason):
            return "\(file): \(reason)"
        case let .invalidConfig(file, key, reason):
            return "\(file): \"\(key)\": \(reason)"
        case let .missingTensor(name, expected):
            return "weights: tensor '\(name)' is missing (expected shape \(Tensor.format(expected)))"
        case let .misshapenTensor(name, shape, expected):
            return "weights: tensor '\(name)' has shape \(Tensor.format(shape)), but the configuration implies \(Tensor.format(expected))"
        case let .unexpectedTensors(names):
            let listed = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            let more = names.count > 5 ? " and \(names.count - 5) more" : ""
            let noun = names.count == 1 ? "tensor" : "tensors"
            return "weights: \(names.count) unexpected \(noun) not used by the configuration: \(listed)\(more)"
        case let .invalidInput(what, reason):
            return "\(what): \(reason)"
        case let .missingEmbedding(prompt):
            return "prompt \"\(prompt)\" has no text embedding; this model needs one ([77, 4096] T5 states)"
        case .cancelled:
            return "cancelled"
        }
    }
}
