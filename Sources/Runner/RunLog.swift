import Foundation
import Notebook
import Script

/// What happens during a run, as an observer hears it.
public enum RunEvent: Sendable {
    /// A notebook starts; its page is `page` (e.g. "1.1-forward-process.html").
    case notebookStarted(notebook: String, page: String)
    /// A long cell's progress: `label` says where its loops are and which built-in runs
    /// (`guidedLoop i 12/33 · noiseEstimate step 3/30`), step i of N is the innermost known
    /// count, and the time left is the cell's at the pace so far.
    case progress(cell: Int, line: Int, label: String, step: Int, total: Int, secondsLeft: Double?)
    /// A cell failed with this message.
    case cellFailed(cell: Int, line: Int, message: String)
    /// The notebook's page was written.
    case notebookFinished(notebook: String, page: String)
}

/// A cluster task hands its events to the submitting command through a file as JSON.
extension RunEvent: Codable {}

/// The run's terminal output: one line per cell (hit or miss, time, why), errors with
/// their source, and progress of long cells with an estimate of the time left.
public final class RunLog: @unchecked Sendable {
    private let write: @Sendable (String) -> Void
    private let interactive: Bool
    private let lock = NSLock()
    /// Per running cell: when its progress began, how far it was then, when it was last shown.
    private var progressStart: [Int: (start: Double, fraction: Double, lastShown: Double)] = [:]
    /// Per running cell: the `for` loops running now, outermost first.
    private var currentLoops: [Int: [LoopState]] = [:]
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
        lock.withLock {
            progressStart[cell.index] = nil
            currentLoops[cell.index] = nil
        }
        emit(line, clearingProgress: true)
    }

    /// Text a cell printed, under its line, indented.
    func printed(_ texts: [String]) {
        for text in texts {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) { emit("      | " + line) }
        }
    }

    /// Progress of a long cell: where its loops are (`guidedLoop i 12/33`), the built-in
    /// running and its step, and the time the cell has left at the pace so far (from how far
    /// its loops and the step have come).
    func progress(_ cell: Cell, loops given: [LoopState]?, step: (label: String, step: Int, total: Int)?) {
        let now = Date().timeIntervalSince1970
        // The loops are told as they change (`given`), a built-in's steps without them.
        let loops = lock.withLock { () -> [LoopState] in
            if let given { currentLoops[cell.index] = given }
            return currentLoops[cell.index] ?? []
        }
        if let given, given.isEmpty, step == nil { return }
        let fraction = LoopState.fractionDone(loops, inner: step.map { Double($0.step) / Double(max($0.total, 1)) } ?? 0)
        let (start, startFraction, lastShown) = lock.withLock { () -> (Double, Double, Double) in
            if let known = progressStart[cell.index] { return known }
            progressStart[cell.index] = (now, fraction, 0)
            return (now, fraction, 0)
        }
        // A loop of quick calls reports every iteration: shown only once the cell has taken a
        // moment, and redrawn a few times a second.
        let isStep = step != nil
        if !isStep && (now - start < 1 || now - lastShown < 0.25) { return }
        lock.withLock { progressStart[cell.index]?.lastShown = now }
        var parts = [String]()
        if !loops.isEmpty { parts.append(loops.map(\.description).joined(separator: " › ")) }
        if let step { parts.append("\(step.label) step \(step.step)/\(step.total)") }
        let label = parts.joined(separator: " · ")
        var text = "  cell \(cell.index + 1): \(label)"
        var secondsLeft: Double?
        if fraction > startFraction, fraction < 1 {
            let left = (now - start) / (fraction - startFraction) * (1 - fraction)
            secondsLeft = left
            text += String(format: ", about %.0f s left", left)
        }
        let (shownStep, shownTotal) = step.map { ($0.step, $0.total) } ?? loops.last.map { ($0.index, $0.count) } ?? (0, 0)
        observer?(.progress(cell: cell.index + 1, line: cell.line, label: label, step: shownStep, total: shownTotal, secondsLeft: secondsLeft))
        if interactive {
            lock.withLock { write("\r\u{1B}[K" + text) }
        } else if now - lastProgressLine >= 5 || (step.map { $0.step == $0.total } ?? false) {
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
