import Diagnostics

extension ScriptError {
    /// Renders `path:LINE:COL: error: message`, then the source line, then a caret line
    /// (`^~~~` under the range), then one `note: ... called from ... here` per call that led
    /// there (each with its own line and caret), then `note: ...` lines. `lineOffset` maps
    /// cell line 1 to the file's line (cell line L is file line L + lineOffset);
    /// `sourceLines` are the cell's lines. `function` finds a function declared in an earlier
    /// cell: the file line of its `func` and the lines from there on.
    public func rendered(path: String, lineOffset: Int, sourceLines: [String],
                         function: (String) -> (line: Int, lines: [String])? = { _ in nil }) -> String {
        var lines: [String] = []
        /// `path:L:C: kind: text` and the quoted line with its caret, for a cell range or a
        /// position inside an earlier function.
        func place(_ range: SourceRange?, _ position: FunctionPosition?, _ kind: String, _ text: String) {
            if let range {
                lines.append(Diagnostic.line("\(path):\(range.start.line + lineOffset):\(range.start.column)", kind, text))
                quote(sourceLines, range.start.line - 1, range.start.column, range.length)
            } else if let position, let origin = function(position.function) {
                lines.append(Diagnostic.line("\(path):\(origin.line + position.line - 1):\(position.column)", kind, text))
                quote(origin.lines, position.line - 1, position.column, position.length)
            } else if let position {
                lines.append(Diagnostic.line(path, kind, "\(text) (in '\(position.function)', line \(position.line) of its declaration)"))
            } else {
                lines.append(Diagnostic.line(path, kind, text))
            }
        }
        func quote(_ source: [String], _ index: Int, _ column: Int, _ length: Int) {
            guard index >= 0, index < source.count else { return }
            let (text, at) = Self.excerpt(of: source[index], around: column)
            lines.append(text)
            lines.append(Self.caretLine(under: text, column: at, length: length))
        }
        place(range, inFunction, "error", message)
        if let related { place(related.range, nil, "note", related.message) }
        let shown = callChain.count > Self.maximumCallsShown ? Array(callChain.prefix(Self.maximumCallsShown - 1)) + [callChain[callChain.count - 1]] : callChain
        for (k, call) in shown.enumerated() {
            if k == shown.count - 1, shown.count < callChain.count {
                lines.append("note: ... \(callChain.count - shown.count) more calls ...")
            }
            place(call.range, call.inFunction, "note", call.message)
        }
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }

    /// The most calls a rendered error lists (the innermost ones, then the cell's own call).
    static let maximumCallsShown = 12

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
