/// Why a benchmark could not run, with the offending value.
enum BenchError: Error, CustomStringConvertible {
    /// A command-line argument that is not understood.
    case usage(String)
    /// A child run that failed or printed no result.
    case childFailed(command: String, status: Int32, output: String)
    /// A file that could not be written or read.
    case io(path: String, reason: String)

    var description: String {
        switch self {
        case let .usage(message): return "\(message)\n\(BenchCommand.usage)"
        case let .childFailed(command, status, output): return "`\(command)` exited with status \(status):\n\(output)"
        case let .io(path, reason): return "\(path): \(reason)"
        }
    }
}
