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

    public var description: String {
        switch self {
        case let .io(path, message): return "cannot write or read \(path): \(message)"
        case let .notANotebook(path): return "\(path): error: not a notebook (.md) or a folder of notebooks"
        // Reported under the notebook being run ("<notebook>: error: ..."), like `io`.
        case let .corruptCacheEntry(path, message): return "unreadable cache entry \(path): \(message)"
        case let .locked(path, holder): return "\(path): error: another noisebook run is using this project (\(holder)); wait for it to finish"
        }
    }
}
