import Foundation
import Notebook

/// What happens during a run, as an observer hears it.
public enum RunEvent: Sendable {
    /// A notebook starts; its page is `page` (e.g. "1.1-forward-process.html").
    case notebookStarted(notebook: String, page: String)
    /// A long cell's progress: step i of N of a sampler, and the time left at the pace so far.
    case progress(cell: Int, line: Int, label: String, step: Int, total: Int, secondsLeft: Double?)
    /// A cell failed with this message.
    case cellFailed(cell: Int, line: Int, message: String)
    /// The notebook's page was written.
    case notebookFinished(notebook: String, page: String)
}

/// The run's terminal output: one line per cell (hit or miss, time, why), errors with
/// their source, and progress of long cells with an estimate of the time left.
public final class RunLog: @unchecked Sendable {
    private let write: @Sendable (String) -> Void
    private let interactive: Bool
    private let lock = NSLock()
    private var progressStart: [Int: (Double, Int)] = [:]
    private var lastProgressLine = 0.0
    /// Told of each step of the run as it happens (`noisebook preview` streams them to pages).
    public var observer: (@Sendable (RunEvent) -> Void)?

    /// A log writing through `write`; `interactive` redraws progress in place.
    public init(interactive: Bool, write: @escaping @Sendable (String) -> Void) {
        self.interactive = interactive
        self.write = write
    }

    /// The log of a notebook's start.
    func notebook(_ path: String, model: String) {
        emit("\(path)  [\(model)]")
    }

    /// A cell's line: "  cell 3 (line 20)  miss   1.25 s  (source edited)".
    func cell(_ cell: Cell, displayPath: String, verdict: String, seconds: Double?, detail: String?) {
        let label = "cell \(cell.index + 1) (line \(cell.line))".padding(toLength: 20, withPad: " ", startingAt: 0)
        let time = seconds.map { String(format: "%7.2f s", $0) } ?? "      -  "
        var line = "  \(label) \(verdict.padding(toLength: 7, withPad: " ", startingAt: 0)) \(time)"
        if let detail { line += "  (\(detail))" }
        lock.withLock { progressStart[cell.index] = nil }
        emit(line, clearingProgress: true)
    }

    /// Text a cell printed, under its line, indented.
    func printed(_ texts: [String]) {
        for text in texts {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) { emit("      | " + line) }
        }
    }

    /// Progress of a long cell: step i of N, and the time left at the pace so far.
    func progress(_ cell: Cell, step: Int, total: Int, label: String) {
        let now = Date().timeIntervalSince1970
        let (start, firstStep) = lock.withLock { () -> (Double, Int) in
            if let known = progressStart[cell.index] { return known }
            progressStart[cell.index] = (now, step)
            return (now, step)
        }
        var text = "  cell \(cell.index + 1): \(label) step \(step)/\(total)"
        var secondsLeft: Double?
        if step > firstStep, step < total {
            let perStep = (now - start) / Double(step - firstStep)
            secondsLeft = perStep * Double(total - step)
            text += String(format: ", about %.0f s left", perStep * Double(total - step))
        }
        observer?(.progress(cell: cell.index + 1, line: cell.line, label: label, step: step, total: total, secondsLeft: secondsLeft))
        if interactive {
            lock.withLock { write("\r\u{1B}[K" + text) }
        } else if now - lastProgressLine >= 5 || step == total {
            lastProgressLine = now
            emit(text)
        }
    }

    /// An error, printed in full.
    func error(_ text: String) { emit(text) }

    /// A cell's error, printed in full and told to the observer.
    func cellFailed(_ cell: Cell, _ text: String) {
        emit(text)
        observer?(.cellFailed(cell: cell.index + 1, line: cell.line, message: text))
    }

    /// The start of a notebook's run, told to the observer.
    func notebookStarted(_ path: String, page: String) { observer?(.notebookStarted(notebook: path, page: page)) }

    /// A notebook's page is written.
    func notebookFinished(_ path: String, page: String) { observer?(.notebookFinished(notebook: path, page: page)) }

    /// A line of the final summary, or of the run's heading.
    public func summary(_ text: String) { emit(text) }

    private func emit(_ line: String, clearingProgress: Bool = false) {
        lock.withLock { write((interactive && clearingProgress ? "\r\u{1B}[K" : "") + line + "\n") }
    }
}
