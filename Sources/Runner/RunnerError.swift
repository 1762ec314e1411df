import Diagnostics

/// Errors of the runner itself (not of a cell), each naming the file involved.
public enum RunnerError: Error, CustomStringConvertible, Sendable {
    /// A file or folder could not be read or written.
    case io(path: String, message: String)
    /// A path given on the command line is neither a notebook nor a folder of notebooks.
    case notANotebook(path: String)
    /// A cache entry that cannot be decoded (it is ignored and recomputed, never trusted).
    case corruptCacheEntry(path: String, message: String)
    /// Another run holds the project's lock.
    case locked(path: String, holder: String)

    /// The message, starting with the file.
    public var description: String { diagnostic.description }
}

extension RunnerError: DiagnosticConvertible {
    /// Located at the file involved; a project held by another run ends a command with
    /// status 65, a path that is no notebook with 64, a file that cannot be used with 70.
    public var diagnostic: Diagnostic {
        switch self {
        case let .io(path, message): return Diagnostic(message, file: path, status: .internalError)
        case let .notANotebook(path): return Diagnostic("not a notebook (.md) or a folder of notebooks", file: path, status: .usage)
        case let .corruptCacheEntry(path, message): return Diagnostic("unreadable cache entry: \(message)", file: path, status: .internalError)
        case let .locked(path, holder):
            return Diagnostic("another noisebook run is using this project (\(holder)); wait for it to finish", file: path)
        }
    }
}
