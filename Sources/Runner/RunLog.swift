import Foundation
import Notebook

/// The run's terminal output: one line per cell (hit or miss, time, why), errors with
/// their source, and progress of long cells with an estimate of the time left.
public final class RunLog: @unchecked Sendable {
    private let write: @Sendable (String) -> Void
    private let interactive: Bool
    private let lock = NSLock()
    private var progressStart: [Int: (Double, Int)] = [:]
    private var lastProgressLine = 0.0

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
        if step > firstStep, step < total {
            let perStep = (now - start) / Double(step - firstStep)
            text += String(format: ", about %.0f s left", perStep * Double(total - step))
        }
        if interactive {
            lock.withLock { write("\r\u{1B}[K" + text) }
        } else if now - lastProgressLine >= 5 || step == total {
            lastProgressLine = now
            emit(text)
        }
    }

    /// An error, printed in full.
    func error(_ text: String) { emit(text) }

    /// A line of the final summary, or of the run's heading.
    public func summary(_ text: String) { emit(text) }

    private func emit(_ line: String, clearingProgress: Bool = false) {
        lock.withLock { write((interactive && clearingProgress ? "\r\u{1B}[K" : "") + line + "\n") }
    }
}
