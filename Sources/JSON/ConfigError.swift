import Diagnostics

/// A configuration file (`config.json`, `scheduler_config.json`, ...) that cannot be used:
/// not a JSON object, or a key whose value is missing, mistyped or not supported. Names the
/// file and, where there is one, the key.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, e.g. "unet/config.json".
    public var file: String
    /// The key at fault; nil when the file as a whole is unreadable.
    public var key: String?
    /// What is wrong.
    public var reason: String

    /// An error about `key` of `file` (or the whole file when `key` is nil).
    public init(file: String, key: String? = nil, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    /// `file: "key": reason`, or `file: reason`.
    public var description: String { diagnostic.description }
}

extension ConfigError: DiagnosticConvertible {
    /// Located at the file; the key, where there is one, leads the message.
    public var diagnostic: Diagnostic {
        Diagnostic(key.map { "\"\($0)\": \(reason)" } ?? reason, file: file)
    }
}
