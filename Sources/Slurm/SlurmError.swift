import Diagnostics

/// What can go wrong talking to Slurm, each naming the command and what it said.
public enum SlurmError: Error, CustomStringConvertible, Sendable {
    /// A Slurm command is not on the PATH.
    case missingCommand(String)
    /// A Slurm command exited with an error.
    case failed(command: String, status: Int32, output: String)
    /// A Slurm command's output could not be read.
    case unreadable(command: String, output: String)

    /// The message.
    public var description: String { diagnostic.description }
}

extension SlurmError: DiagnosticConvertible {
    /// A missing `sbatch` is a usage error (the user asked for Slurm where there is none);
    /// a command that fails is an internal one.
    public var diagnostic: Diagnostic {
        switch self {
        case .missingCommand(let name):
            return Diagnostic("--slurm needs Slurm's '\(name)' on the PATH, and there is none: run on a cluster's login node, or drop --slurm to run here",
                              status: .usage)
        case let .failed(command, status, output):
            let said = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return Diagnostic("'\(command)' failed (exit status \(status))" + (said.isEmpty ? "" : ": \(said)"), status: .internalError)
        case let .unreadable(command, output):
            return Diagnostic("cannot read what '\(command)' printed: \(output.prefix(200))", status: .internalError)
        }
    }
}
