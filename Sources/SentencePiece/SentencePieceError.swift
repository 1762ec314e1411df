import Diagnostics

/// What can go wrong reading a SentencePiece model or tokenizing with it; every case names
/// the file it concerns, so that a message alone is enough to find the problem.
public enum SentencePieceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read at all (missing, a directory, no permission).
    case unreadable(file: String, reason: String)

    /// The model file is not a well-formed SentencePiece `ModelProto`: a wire-format error
    /// (with its byte offset), an inconsistent vocabulary or a damaged normalization trie.
    case malformed(file: String, reason: String)

    /// The model is well formed but uses a feature this tokenizer does not implement (a BPE
    /// model, byte fallback, whitespace as suffix); `reason` says which.
    case unsupported(file: String, reason: String)

    /// The file the error concerns, as the caller spelled it.
    public var file: String {
        switch self {
        case let .unreadable(file, _), let .malformed(file, _), let .unsupported(file, _): return file
        }
    }

    /// The message, starting with the file.
    public var description: String { diagnostic.description }
}

extension SentencePieceError: DiagnosticConvertible {
    /// Located at the model file.
    public var diagnostic: Diagnostic {
        switch self {
        case let .unreadable(file, reason):
            return Diagnostic("cannot read the SentencePiece model: \(reason)", file: file)
        case let .malformed(file, reason):
            return Diagnostic("not a valid SentencePiece model: \(reason)", file: file)
        case let .unsupported(file, reason):
            return Diagnostic("unsupported SentencePiece model: \(reason)", file: file)
        }
    }
}
