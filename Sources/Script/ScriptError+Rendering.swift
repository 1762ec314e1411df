extension ScriptError {
    /// Renders `path:LINE:COL: error: message`, then the source line, then a caret line
    /// (`^~~~` under the range), then `note: ...` lines. `lineOffset` maps cell line 1 to the
    /// file's line (cell line L is file line L + lineOffset); `sourceLines` are the cell's lines.
    public func rendered(path: String, lineOffset: Int, sourceLines: [String]) -> String {
        var lines: [String] = []
        if let range {
            let fileLine = range.start.line + lineOffset
            lines.append("\(path):\(fileLine):\(range.start.column): error: \(message)")
            let index = range.start.line - 1
            if index >= 0, index < sourceLines.count {
                let (source, column) = Self.excerpt(of: sourceLines[index], around: range.start.column)
                lines.append(source)
                lines.append(Self.caretLine(under: source, column: column, length: range.length))
            }
        } else {
            lines.append("\(path): error: \(message)")
        }
        if let related {
            lines.append("\(path):\(related.range.start.line + lineOffset):\(related.range.start.column): note: \(related.message)")
            let index = related.range.start.line - 1
            if index >= 0, index < sourceLines.count {
                let (source, column) = Self.excerpt(of: sourceLines[index], around: related.range.start.column)
                lines.append(source)
                lines.append(Self.caretLine(under: source, column: column, length: related.range.length))
            }
        }
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }

    /// The longest source line quoted whole; a longer one is cut to a window around the column
    /// (marked with "..."), so a bad megabyte-long line does not flood the terminal.
    static let maximumQuotedCharacters = 160

    /// `line`, or a window of it around `column`, with the column's position in what is returned.
    static func excerpt(of line: String, around column: Int) -> (String, Int) {
        let characters = Array(line)
        guard characters.count > maximumQuotedCharacters else { return (line, column) }
        let half = maximumQuotedCharacters / 2
        let start = max(0, min(column - 1 - half, characters.count - maximumQuotedCharacters))
        let end = min(characters.count, start + maximumQuotedCharacters)
        let prefix = start > 0 ? "..." : ""
        let suffix = end < characters.count ? "..." : ""
        return (prefix + String(characters[start..<end]) + suffix, column - start + prefix.count)
    }

    /// Spaces up to the column (tabs kept so the caret lines up), then `^` and `~`s, clipped to
    /// the end of the line so a range running past it still renders sensibly.
    static func caretLine(under source: String, column: Int, length: Int) -> String {
        let characters = Array(source)
        let startIndex = max(0, min(column - 1, characters.count))
        var prefix = ""
        for character in characters[0..<startIndex] { prefix.append(character == "\t" ? "\t" : " ") }
        let available = max(1, characters.count - startIndex)
        let width = max(1, min(length, available))
        return prefix + "^" + String(repeating: "~", count: width - 1)
    }
}
