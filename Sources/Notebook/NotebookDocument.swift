/// A parsed notebook: its front matter and its body as prose blocks and code cells, in file order.
public struct NotebookDocument: Sendable {
    /// The path the notebook was read from, as given to the parser; used in diagnostics.
    public var path: String
    /// The settings between the leading `---` lines; empty when the file has none.
    public var frontMatter: FrontMatter
    /// Prose and cells in the order they appear in the file.
    public var blocks: [Block]

    /// Creates a document from already parsed parts.
    public init(path: String, frontMatter: FrontMatter, blocks: [Block]) {
        self.path = path
        self.frontMatter = frontMatter
        self.blocks = blocks
    }

    /// The executable cells alone, in file order; `cells[i].index == i`.
    public var cells: [Cell] {
        blocks.compactMap { block in
            if case .cell(let cell) = block { return cell }
            return nil
        }
    }
}
