/// A run of Markdown between cells, with leading and trailing blank lines removed.
public struct Prose: Sendable {
    /// The Markdown text; lines joined with `\n`, fences other than `swift` kept verbatim.
    public var markdown: String
    /// The 1-based file line of the first line of `markdown`.
    public var line: Int

    /// Creates a prose block.
    public init(markdown: String, line: Int) {
        self.markdown = markdown
        self.line = line
    }
}
