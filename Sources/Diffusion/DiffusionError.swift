import Diagnostics
import Tensor

/// Errors from the diffusion algorithms: inputs of the wrong shape or value, prompts without
/// the embedding a model needs, and stopped computations. Each names the value at fault.
public enum DiffusionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A model input of the wrong shape or value (`what` names it).
    case invalidInput(what: String, reason: String)
    /// A prompt without the text embedding the model needs.
    case missingEmbedding(prompt: String)
    /// A long computation stopped at the caller's request.
    case cancelled

    /// A one-line message naming what is wrong and where.
    public var description: String {
        switch self {
        case let .invalidInput(what, reason):
            return "\(what): \(reason)"
        case let .missingEmbedding(prompt):
            return "prompt \"\(prompt)\" has no text embedding; this model needs one ([77, 4096] T5 states)"
        case .cancelled:
            return "cancelled"
        }
    }
}

extension DiffusionError: DiagnosticConvertible {
    /// The message as it reads (it names the file or value at fault), ending a command with
    /// status 65.
    public var diagnostic: Diagnostic { Diagnostic(description, status: .dataError) }
}
