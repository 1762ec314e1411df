import Notebook

/// What happened to one cell in a run.
struct CellOutcome: Sendable {
    enum Status: Sendable {
        /// Ran now, taking this long.
        case executed(Double)
        /// Taken from the cache; it took this long when it ran.
        case cached(Double)
        /// Ran and failed (or could not be parsed).
        case failed(Double)
        /// Not run, because it reads a name a failed cell should have defined.
        case skipped
    }

    var cell: Cell
    var status: Status
    /// "hit", or "miss: <why>".
    var cacheNote: String
    var outputs: [StoredOutput]
    /// The rendered diagnostic, for failed and skipped cells.
    var error: String?

    var failed: Bool {
        switch status {
        case .failed, .skipped: return true
        default: return false
        }
    }
}
