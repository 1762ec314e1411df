/// The outcome of one notebook cell as the page shows it.
public struct CellReport: Sendable {
    /// How the cell's result came about, with the time it took.
    public enum Status: Sendable, Equatable {
        /// Ran in this run, taking this many seconds.
        case executed(Double)
        /// Taken from the cache; the seconds are how long it took when it last ran.
        case cached(Double)
        /// Ran and failed after this many seconds.
        case failed(Double)
        /// Not run, because a cell it depends on failed.
        case skipped
    }

    /// The 0-based position of the cell among the notebook's cells (shown as `index + 1`).
    public var index: Int
    /// The cell's source, shown in a collapsible block.
    public var source: String
    /// The 1-based notebook line of the first source line.
    public var line: Int
    /// How the result came about.
    public var status: Status
    /// Why the cache hit or missed, e.g. `hit` or `miss: source edited`; shown in the badge.
    public var cacheNote: String
    /// Text and figures the cell showed, in order.
    public var outputs: [CellOutput]
    /// The full rendered diagnostic when the cell failed or was skipped.
    public var error: String?

    /// Creates a cell report.
    public init(index: Int, source: String, line: Int, status: Status, cacheNote: String,
                outputs: [CellOutput] = [], error: String? = nil) {
        self.index = index
        self.source = source
        self.line = line
        self.status = status
        self.cacheNote = cacheNote
        self.outputs = outputs
        self.error = error
    }
}
