import Diagnostics

/// What can go wrong running a T5 encoder on its inputs. (A config.json that cannot be
/// used throws JSON's `ConfigError`, weights that do not match it NN's `NNError`.)
public enum T5Error: Error, Equatable, CustomStringConvertible {
    /// An input the encoder cannot take, with the offending value named.
    case invalidInput(String)

    /// The message, without a location or an "error:" prefix: whoever reports it adds those.
    public var description: String {
        switch self {
        case let .invalidInput(reason): return reason
        }
    }
}

extension T5Error: DiagnosticConvertible {
    /// The message as it reads (it names the file or value at fault), ending a command with
    /// status 65.
    public var diagnostic: Diagnostic { Diagnostic(description, status: .dataError) }
}
