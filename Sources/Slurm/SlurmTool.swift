import Foundation

/// Slurm's client commands (`sbatch`, `scontrol`, `scancel`), found on the PATH and run as
/// child processes; their output is the interface, as it is for people.
public struct SlurmTool: Sendable {
    /// The folder holding the commands.
    public let folder: String

    /// The Slurm commands on `path` (a PATH value), found by `sbatch`.
    public init(path: String? = ProcessInfo.processInfo.environment["PATH"]) throws {
        for folder in (path ?? "").split(separator: ":").map(String.init) where !folder.isEmpty {
            if FileManager.default.isExecutableFile(atPath: folder + "/sbatch") {
                self.folder = folder
                return
            }
        }
        throw SlurmError.missingCommand("sbatch")
    }

    /// Runs `name` with `arguments` and returns what it printed on standard output; a
    /// non-zero exit throws with what it printed on standard error.
    public func run(_ name: String, _ arguments: [String]) throws -> String {
        let executable = folder + "/" + name
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw SlurmError.missingCommand(name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let command = ([name] + arguments).joined(separator: " ")
        do { try process.run() } catch {
            throw SlurmError.failed(command: command, status: -1, output: "\(error)")
        }
        // Both pipes are drained before waiting, so a chatty command cannot fill one and stall.
        let errorText = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorText.set(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            group.leave()
        }
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        group.wait()
        process.waitUntilExit()
        let stderr = errorText.value
        guard process.terminationStatus == 0 else {
            throw SlurmError.failed(command: command, status: process.terminationStatus, output: stderr.isEmpty ? stdout : stderr)
        }
        return stdout
    }
}

/// Text one thread writes and another reads after a `DispatchGroup` wait.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    var value: String { lock.withLock { text } }
    func set(_ value: String) { lock.withLock { text = value } }
}
