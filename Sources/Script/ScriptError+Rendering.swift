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
                let source = sourceLines[index]
                lines.append(source)
                lines.append(Self.caretLine(under: source, column: range.start.column, length: range.length))
            }
        } else {
            lines.append("\(path): error: \(message)")
        }
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
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
