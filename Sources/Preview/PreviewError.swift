import Diagnostics

/// Why the preview server could not start.
public enum PreviewError: Error, CustomStringConvertible, Sendable {
    /// Every port tried, from `first` on, was taken.
    case noPort(first: UInt16, host: String)
    /// The system refused a socket call; the reason is its error text.
    case socket(String)
    /// The address to listen on is not an IPv4 address.
    case badHost(String)

    /// The message for the command line.
    public var description: String {
        switch self {
        case let .noPort(first, host): return "no free port on \(host) from \(first) to \(min(Int(first) + 19, Int(UInt16.max)))"
        case let .socket(reason): return "cannot listen: \(reason)"
        case let .badHost(host): return "--host must be an IPv4 address, got '\(host)'"
        }
    }
}

extension PreviewError: DiagnosticConvertible {
    /// The message as it reads (it names the file or value at fault), ending a command with
    /// status 64.
    public var diagnostic: Diagnostic { Diagnostic(description, status: .usage) }
}
