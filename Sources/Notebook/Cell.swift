/// A fenced `swift` block of a notebook: the source the interpreter runs.
public struct Cell: Sendable {
    /// The 0-based position of this cell among the notebook's cells.
    public var index: Int
    /// The lines between the fences joined with `\n` (no trailing newline), with the
    /// opening fence's indentation removed from each line.
    public var source: String
    /// The 1-based file line of the first source line (the line after the opening fence),
    /// so that a diagnostic at source line `k` (1-based) is at file line `line + k - 1`.
    public var line: Int
    /// The 1-based file line of the opening fence.
    public var fenceLine: Int
    /// How many columns of indentation were removed from each source line, so that a
    /// source column `c` is file column `c + indentation`.
    public var indentation: Int

    /// Creates a cell.
    public init(index: Int, source: String, line: Int, fenceLine: Int, indentation: Int = 0) {
        self.index = index
        self.source = source
        self.line = line
        self.fenceLine = fenceLine
        self.indentation = indentation
    }
}
