/// Renders inline Markdown: code spans, `$` maths, links, images, autolinks, emphasis,
/// strong emphasis, backslash escapes and hard breaks. Everything else is escaped text.
struct InlineRenderer {
    private let chars: [Character]

    /// Renders one paragraph's or heading's text.
    static func render(_ text: String) -> String {
        var renderer = InlineRenderer(chars: Array(text))
        return renderer.render(0..<renderer.chars.count)
    }

    private init(chars: [Character]) {
        self.chars = chars
        self.lastClosingBracket = chars.lastIndex(of: "]") ?? -1
    }

    /// Closer searches that already failed, by delimiter and run length: a later search
    /// starting further on cannot succeed either, which keeps unmatched runs linear.
    private var failedCloserSearch: [String: Int] = [:]
    /// Where the text's last `]` is; a `[` after it cannot open a link.
    private let lastClosingBracket: Int

    /// Whether a search for `key` from `index` is known to fail.
    private func knownToFail(_ key: String, from index: Int) -> Bool {
        if let failedFrom = failedCloserSearch[key], index >= failedFrom { return true }
        return false
    }

    /// Records a failed search; only searches that ran to the end of the text count.
    private mutating func recordFailure(_ key: String, from index: Int, end: Int) {
        if end == chars.count { failedCloserSearch[key] = min(failedCloserSearch[key] ?? index, index) }
    }

    private mutating func render(_ range: Range<Int>) -> String {
        var html = ""
        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            let char = chars[index]
            switch char {
            case "\\":
                if index + 1 < end, chars[index + 1] == "\n" {
                    html += "<br>\n"
                    index += 2
                } else if index + 1 < end, Self.isEscapable(chars[index + 1]) {
                    html += Report.escape(String(chars[index + 1]))
                    index += 2
                } else {
                    html += "\\"
                    index += 1
                }
            case "`":
                if let (contentRange, after) = codeSpan(at: index, end: end) {
                    html += "<code>\(Report.escape(codeText(contentRange)))</code>"
                    index = after
                } else {
                    let run = runLength(at: index, end: end)
                    html += String(repeating: "`", count: run)
                    index += run
                }
            case "$":
                if let (contentRange, after, display) = math(at: index, end: end) {
                    let tex = TeXRenderer.render(String(chars[contentRange]))
                    html += "<span class=\"math\(display ? " display" : "")\">\(tex)</span>"
                    index = after
                } else {
                    html += "$"
                    index += 1
                }
            case "!" where index + 1 < end && chars[index + 1] == "[":
                if let (label, destination, title, after) = link(at: index + 1, end: end) {
                    html += image(label: label, destination: destination, title: title)
                    index = after
                } else {
                    html += "!"
                    index += 1
                }
            case "[":
                if let (label, destination, title, after) = link(at: index, end: end) {
                    let inner = render(label)
                    if let href = SafeURL.link(destination) {
                        let titleAttribute = title.map { " title=\"\(Report.escape($0))\"" } ?? ""
                        html += "<a href=\"\(Report.escape(href))\"\(titleAttribute)>\(inner)</a>"
                    } else {
                        html += inner
                    }
                    index = after
                } else {
                    html += "["
                    index += 1
                }
            case "<":
                if let (url, after) = autolink(at: index, end: end), let href = SafeURL.link(url) {
                    html += "<a href=\"\(Report.escape(href))\">\(Report.escape(url))</a>"
                    index = after
                } else {
                    html += "&lt;"
                    index += 1
                }
            case "*", "_":
                if let (inner, after, strong, emphasis) = emphasis(at: index, end: end) {
                    var body = render(inner)
                    if strong { body = "<strong>\(body)</strong>" }
                    if emphasis { body = "<em>\(body)</em>" }
                    html += body
                    index = after
                } else {
                    let run = runLength(at: index, end: end)
                    html += String(repeating: char, count: run)
                    index += run
                }
            default:
                html += Report.escape(String(char))
                index += 1
            }
        }
        return html
    }

    private static func isEscapable(_ char: Character) -> Bool {
        char.isASCII && (char.isPunctuation || char.isSymbol)
    }

    private func runLength(at index: Int, end: Int) -> Int {
        var run = 0
        while index + run < end, chars[index + run] == chars[index] { run += 1 }
        return run
    }

    // MARK: code spans and maths

    /// A code span opened by the backtick run at `index`: its content range and the index
    /// after the closing run of the same length.
    private mutating func codeSpan(at index: Int, end: Int) -> (Range<Int>, Int)? {
        let run = runLength(at: index, end: end)
        let key = "`\(run)"
        if knownToFail(key, from: index) { return nil }
        var position = index + run
        while position < end {
            if chars[position] == "`" {
                let closing = runLength(at: position, end: end)
                if closing == run { return (index + run..<position, position + closing) }
                position += closing
            } else {
                position += 1
            }
        }
        recordFailure(key, from: index, end: end)
        return nil
    }

    /// Code span text: newlines become spaces and one space is stripped from each side
    /// when both sides have one (so `` ` `x` ` `` can show backticks).
    private func codeText(_ range: Range<Int>) -> String {
        var text = chars[range].map { $0 == "\n" ? " " : $0 }
        if text.count >= 2, text.first == " ", text.last == " ", text.contains(where: { $0 != " " }) {
            text = Array(text.dropFirst().dropLast())
        }
        return String(text)
    }

    /// Maths opened by `$` at `index`. `$$...$$` is display maths; `$...$` needs a
    /// non-space after the opener, a non-space before the closer and no digit right after
    /// it, so prices like "$5 and $6" stay text.
    private mutating func math(at index: Int, end: Int) -> (Range<Int>, Int, Bool)? {
        if index + 1 < end, chars[index + 1] == "$" {
            if knownToFail("$$", from: index) { return nil }
            var position = index + 2
            while position + 1 < end {
                if chars[position] == "\\" { position += 2; continue }
                if chars[position] == "$", chars[position + 1] == "$" {
                    return position > index + 2 ? (index + 2..<position, position + 2, true) : nil
                }
                position += 1
            }
            recordFailure("$$", from: index, end: end)
            return nil
        }
        guard index + 1 < end, !chars[index + 1].isWhitespace else { return nil }
        var position = index + 1
        while position < end {
            let char = chars[position]
            if char == "\\" { position += 2; continue }
            if char == "$" {
                let before = chars[position - 1]
                let after: Character? = position + 1 < end ? chars[position + 1] : nil
                if !before.isWhitespace, !(after?.isNumber ?? false) {
                    return (index + 1..<position, position + 1, false)
                }
                return nil
            }
            position += 1
        }
        return nil
    }

    // MARK: links and images

    /// A link `[label](destination "title")` whose `[` is at `index`.
    private mutating func link(at index: Int, end: Int) -> (Range<Int>, String, String?, Int)? {
        guard index < lastClosingBracket else { return nil }
        var depth = 0
        var position = index
        var labelEnd: Int?
        while position < end {
            let char = chars[position]
            if char == "\\" { position += 2; continue }
            if char == "`", let (_, after) = codeSpan(at: position, end: end) { position = after; continue }
            if char == "[" { depth += 1 }
            if char == "]" {
                depth -= 1
                if depth == 0 { labelEnd = position; break }
            }
            position += 1
        }
        guard let labelEnd, labelEnd + 1 < end, chars[labelEnd + 1] == "(" else { return nil }
        position = labelEnd + 2
        skipSpaces(&position, end)
        var destination = ""
        if position < end, chars[position] == "<" {
            position += 1
            while position < end, chars[position] != ">", chars[position] != "\n" {
                destination.append(chars[position])
                position += 1
            }
            guard position < end, chars[position] == ">" else { return nil }
            position += 1
        } else {
            var parens = 0
            while position < end, !chars[position].isWhitespace {
                let char = chars[position]
                if char == "(" { parens += 1 }
                if char == ")" {
                    if parens == 0 { break }
                    parens -= 1
                }
                if char == "\\", position + 1 < end, Self.isEscapable(chars[position + 1]) {
                    position += 1
                }
                destination.append(chars[position])
                position += 1
            }
        }
        skipSpaces(&position, end)
        var title: String?
        if position < end, chars[position] == "\"" || chars[position] == "'" {
            let quote = chars[position]
            var text = ""
            position += 1
            while position < end, chars[position] != quote {
                text.append(chars[position])
                position += 1
            }
            guard position < end else { return nil }
            title = text
            position += 1
            skipSpaces(&position, end)
        }
        guard position < end, chars[position] == ")" else { return nil }
        return (index + 1..<labelEnd, destination, title, position + 1)
    }

    private func skipSpaces(_ position: inout Int, _ end: Int) {
        while position < end, chars[position] == " " || chars[position] == "\n" { position += 1 }
    }

    /// An image: local sources are shown; remote ones become a link, since fetching them
    /// would be a request to another host.
    private func image(label: Range<Int>, destination: String, title: String?) -> String {
        let alt = Report.escape(String(chars[label]))
        let titleAttribute = title.map { " title=\"\(Report.escape($0))\"" } ?? ""
        if let src = SafeURL.localImage(destination) {
            return "<img src=\"\(Report.escape(src))\" alt=\"\(alt)\"\(titleAttribute) loading=\"lazy\">"
        }
        if SafeURL.isRemote(destination), let href = SafeURL.link(destination) {
            return "<a class=\"remote-image\" href=\"\(Report.escape(href))\"\(titleAttribute)>image: \(alt)</a>"
        }
        return alt
    }

    /// `<scheme:...>` with no spaces: an autolink.
    private func autolink(at index: Int, end: Int) -> (String, Int)? {
        var position = index + 1
        var url = ""
        while position < end, chars[position] != ">" {
            if chars[position].isWhitespace || chars[position] == "<" { return nil }
            url.append(chars[position])
            position += 1
        }
        guard position < end, SafeURL.scheme(of: url) != nil else { return nil }
        return (url, position + 1)
    }

    // MARK: emphasis

    /// Emphasis opened by the `*` or `_` run at `index`: a run of 1 is `<em>`, 2 is
    /// `<strong>`, 3 is both; the closer is the next run of the same character and length
    /// that can close (no space before it; for `_`, no letter or digit after it).
    private mutating func emphasis(at index: Int, end: Int) -> (Range<Int>, Int, Bool, Bool)? {
        let marker = chars[index]
        let run = runLength(at: index, end: end)
        guard run <= 3, index + run < end, !chars[index + run].isWhitespace else { return nil }
        if marker == "_", index > 0, chars[index - 1].isLetter || chars[index - 1].isNumber { return nil }
        let key = "\(marker)\(run)"
        if knownToFail(key, from: index) { return nil }
        var position = index + run
        while position < end {
            let char = chars[position]
            if char == "\\" { position += 2; continue }
            if char == "`", let (_, after) = codeSpan(at: position, end: end) { position = after; continue }
            if char == "$", let (_, after, _) = math(at: position, end: end) { position = after; continue }
            if char == marker {
                let closing = runLength(at: position, end: end)
                let after = position + closing
                let canClose = !chars[position - 1].isWhitespace
                    && !(marker == "_" && after < end && (chars[after].isLetter || chars[after].isNumber))
                if closing == run, canClose, position > index + run {
                    return (index + run..<position, after, run >= 2, run != 2)
                }
                position = after
                continue
            }
            position += 1
        }
        recordFailure(key, from: index, end: end)
        return nil
    }
}
