import Foundation

/// A noisebook process started by a test, its output collected in files so that a full
/// pipe can never block it.
final class RunningCommand {
    let process = Process()
    private let outPath: String
    private let errPath: String

    init(executable: String, arguments: [String], directory: String, environment: [String: String]) throws {
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent("noisebook-out-\(UUID().uuidString)").path
        (outPath, errPath) = (stem + ".out", stem + ".err")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
    }

    /// What the process wrote to stderr so far.
    var errorText: String {
        (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    }

    /// Waits until stderr contains `text` (true) or `timeout` seconds pass or the process
    /// ends (false).
    func waitFor(_ text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if errorText.contains(text) { return true }
            if !process.isRunning { return errorText.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the end; returns status, stdout and stderr. A process killed by a signal
    /// reports 128 + the signal, as a shell would.
    func finish() -> (status: Int32, out: String, err: String) {
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = errorText
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, out, err)
    }
}
