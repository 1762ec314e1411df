import AtomicWrite
import Foundation
import JSON
import Runner

/// A cluster task's progress: its latest run event as JSON in a file (`task-N.progress`),
/// replaced as the run goes, for the submitting command to show in the terminal and in
/// `preview`: the shared file system is the one channel a task and its submitter are sure
/// to have.
final class TaskProgress: @unchecked Sendable {
    /// The least time between two rewrites of the file for progress within a cell.
    static let interval: TimeInterval = 1
    let path: String
    private let lock = NSLock()
    private var lastWrite = Date.distantPast

    init(path: String) {
        self.path = path
    }

    /// Records `event`: progress at most once per `interval`, the rest always.
    @Sendable func record(_ event: RunEvent) {
        var throttled = false
        if case .progress = event { throttled = true }
        lock.withLock {
            let now = Date()
            if throttled, now.timeIntervalSince(lastWrite) < Self.interval { return }
            lastWrite = now
            guard let data = try? StableJSON.encode(event) else { return }
            try? AtomicFileWriter.write([UInt8](data), to: path)
        }
    }

    /// The event recorded at `path`, if there is one to read.
    static func read(_ path: String) -> RunEvent? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(RunEvent.self, from: data)
    }

    /// `event` as a few words for the terminal.
    static func describe(_ event: RunEvent) -> String {
        switch event {
        case .notebookStarted: return "started"
        case let .progress(cell, line, label, _, _, secondsLeft):
            return "cell \(cell) (line \(line)): \(label)" + (secondsLeft.map { String(format: ", about %.0f s left", $0) } ?? "")
        case let .cellFailed(cell, line, _): return "cell \(cell) (line \(line)) failed"
        case .notebookFinished: return "finished"
        }
    }
}
