/// One piece of a notebook body: prose shown as written, or a cell to run.
public enum Block: Sendable {
    /// Markdown text, including any fenced block whose info string is not `swift`.
    case prose(Prose)
    /// A fenced `swift` block.
    case cell(Cell)
}
