/// The assignment's deliverables, from `deliverables.txt` beside the notebooks: what the
/// index page checks the site against.
///
/// One deliverable per line: an id (letters, digits, `.`, `-`, `_`), then what the
/// assignment asks, separated by spaces. Blank lines and lines starting with `#` are
/// comments. Cells answer a deliverable with `deliverable("id")`, or a figure with
/// `show(..., deliverable: "id")`.
///
///     # id          what is asked
///     1.1-forward   forward(im, t) implemented
///     1.1-noisy     The test image at noise levels 250, 500 and 750
public struct DeliverableTable: Sendable, Equatable {
    /// The file name the runner looks for in a notebooks folder.
    public static let fileName = "deliverables.txt"

    /// One deliverable.
    public struct Row: Sendable, Equatable {
        /// Its id, as cells name it.
        public var id: String
        /// What the assignment asks.
        public var text: String
        /// Its 1-based line in the table.
        public var line: Int

        /// A row from its parts.
        public init(id: String, text: String, line: Int) {
            self.id = id
            self.text = text
            self.line = line
        }
    }

    /// The table's path, as errors show it.
    public var path: String
    /// The deliverables, in the table's order.
    public var rows: [Row]

    /// The row with `id`, if there is one.
    public func row(_ id: String) -> Row? { rows.first { $0.id == id } }

    /// The ids, in order.
    public var ids: [String] { rows.map(\.id) }

    /// Reads a table; a line without a description, an id with other characters, or an id
    /// given twice is an error at its line and column.
    public init(path: String, text: String) throws {
        self.path = path
        var rows = [Row]()
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let body = line.dropFirst(indent)
            if body.isEmpty || body.hasPrefix("#") { continue }
            let id = String(body.prefix { $0 != " " && $0 != "\t" })
            let text = body.dropFirst(id.count).drop { $0 == " " || $0 == "\t" }
            if let bad = id.firstIndex(where: { !Self.isIDCharacter($0) }) {
                throw NotebookError(path: path, line: number, column: indent + id.distance(from: id.startIndex, to: bad) + 1,
                                    message: "a deliverable id has letters, digits, '.', '-' and '_' only; '\(id)' has '\(id[bad])'")
            }
            guard !text.isEmpty else {
                throw NotebookError(path: path, line: number, column: indent + 1,
                                    message: "deliverable '\(id)' has no description: write the id, then what the assignment asks")
            }
            if let first = rows.first(where: { $0.id == id }) {
                throw NotebookError(path: path, line: number, column: indent + 1,
                                    message: "deliverable '\(id)' is already defined on line \(first.line)")
            }
            var description = String(text)
            while let last = description.last, last == " " || last == "\t" { description.removeLast() }
            rows.append(Row(id: id, text: description, line: number))
        }
        self.rows = rows
    }

    private static func isIDCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-" || c == "_")
    }
}
