/// Recognisers for the line-level Markdown constructs (what a line starts, if anything).
enum MarkdownLine {
    /// An opening code fence.
    struct FenceOpening {
        let marker: Character
        let length: Int
        let indentation: Int
        let language: String
    }

    /// A list item's marker.
    struct ListMarker {
        /// Numbered (`1.`) rather than bulleted (`-`).
        let ordered: Bool
        /// The bullet character, or the number's delimiter (`.` or `)`).
        let symbol: Character
        /// The number of an ordered item.
        let start: Int
        /// Where the item's content begins (indentation + marker + spaces).
        let contentOffset: Int
    }

    /// Leading spaces.
    static func indentation(_ line: String) -> Int {
        line.prefix { $0 == " " }.count
    }

    /// The fence a line opens, if any.
    static func fence(_ line: String) -> FenceOpening? {
        let indent = indentation(line)
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let marker = rest.first, marker == "`" || marker == "~" else { return nil }
        let run = rest.prefix { $0 == marker }.count
        guard run >= 3 else { return nil }
        let info = rest.dropFirst(run)
        if marker == "`", info.contains("`") { return nil }
        let language = info.drop { $0 == " " }.prefix { $0 != " " }
        return FenceOpening(marker: marker, length: run, indentation: indent, language: String(language))
    }

    /// Whether `line` closes `fence`.
    static func closes(_ line: String, _ fence: FenceOpening) -> Bool {
        let indent = indentation(line)
        guard indent <= 3 else { return false }
        let rest = line.dropFirst(indent)
        let run = rest.prefix { $0 == fence.marker }.count
        return run >= fence.length && rest.dropFirst(run).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// An ATX heading's level and text (closing `#`s removed).
    static func heading(_ line: String) -> (level: Int, text: String)? {
        let indent = indentation(line)
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        let level = rest.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        let after = rest.dropFirst(level)
        guard after.isEmpty || after.first == " " || after.first == "\t" else { return nil }
        var text = Substring(after.drop { $0 == " " || $0 == "\t" })
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        // A closing run of `#` counts only when preceded by a space (or is all there is).
        let closing = text.reversed().prefix { $0 == "#" }.count
        if closing > 0 {
            let before = text.dropLast(closing)
            if before.isEmpty || before.last == " " {
                text = before
                while text.last == " " { text = text.dropLast() }
            }
        }
        return (level, String(text))
    }

    /// A thematic break: three or more `-`, `*` or `_`, spaces allowed between.
    static func isRule(_ line: String) -> Bool {
        guard indentation(line) <= 3 else { return false }
        let marks = line.filter { $0 != " " && $0 != "\t" }
        guard let first = marks.first, "-*_".contains(first) else { return false }
        return marks.count >= 3 && marks.allSatisfy { $0 == first }
    }

    /// Whether the line opens a `$$` display-maths block.
    static func startsDisplayMath(_ line: String) -> Bool {
        indentation(line) <= 3 && line.drop { $0 == " " }.hasPrefix("$$")
    }

    /// The content of a block-quote line, without `>` and one optional space.
    static func quoteContent(_ line: String) -> String? {
        let indent = indentation(line)
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard rest.first == ">" else { return nil }
        let content = rest.dropFirst()
        return String(content.first == " " ? content.dropFirst() : content)
    }

    /// A list item marker: `-`, `*` or `+`, or 1-9 digits and `.` or `)`, then a space or
    /// the end of the line.
    static func listMarker(_ line: String) -> ListMarker? {
        let indent = indentation(line)
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let first = rest.first else { return nil }
        var ordered = false
        var symbol = first
        var start = 1
        var markerLength = 1
        if "-*+".contains(first) {
            if isRule(line) { return nil }
        } else {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard (1...9).contains(digits.count), let delimiter = rest.dropFirst(digits.count).first,
                  delimiter == "." || delimiter == ")", let number = Int(digits) else { return nil }
            ordered = true
            symbol = delimiter
            start = number
            markerLength = digits.count + 1
        }
        let after = rest.dropFirst(markerLength)
        if after.isEmpty {
            return ListMarker(ordered: ordered, symbol: symbol, start: start, contentOffset: indent + markerLength + 1)
        }
        guard after.first == " " else { return nil }
        var spaces = after.prefix { $0 == " " }.count
        if spaces > 4 { spaces = 1 }  // more than four spaces start indented code inside the item
        return ListMarker(ordered: ordered, symbol: symbol, start: start, contentOffset: indent + markerLength + spaces)
    }

    /// Whether the line starts a block that ends a running paragraph.
    static func interruptsParagraph(_ line: String) -> Bool {
        fence(line) != nil || heading(line) != nil || isRule(line) || startsDisplayMath(line)
            || quoteContent(line) != nil || listMarker(line) != nil
    }
}
