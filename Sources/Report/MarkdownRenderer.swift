/// A hand-written renderer for the Markdown subset notebooks use: ATX headings, paragraphs,
/// lists (nested by indentation), block quotes, fenced code, rules and `$$` display maths.
/// Inline syntax is handled by `InlineRenderer`. Raw HTML is not recognised, so it is
/// escaped and shown as text.
struct MarkdownRenderer {
    /// The block's lines, tabs at line starts expanded to four spaces.
    private let lines: [String]
    /// Inside a tight list item, paragraphs are written without `<p>`.
    private let tight: Bool

    /// Renders a whole Markdown document.
    static func render(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var line = Substring(line)
            if line.last == "\r" { line = line.dropLast() }
            return expandLeadingTabs(line)
        }
        return MarkdownRenderer(lines: lines, tight: false).renderBlocks()
    }

    private init(lines: [String], tight: Bool) {
        self.lines = lines
        self.tight = tight
    }

    private static func expandLeadingTabs(_ line: Substring) -> String {
        guard line.first == "\t" || line.first == " " else { return String(line) }
        var out = ""
        var rest = line[...]
        while let first = rest.first, first == " " || first == "\t" {
            out += first == "\t" ? String(repeating: " ", count: 4 - out.count % 4) : " "
            rest = rest.dropFirst()
        }
        return out + rest
    }

    private func renderBlocks() -> String {
        var html = ""
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if Self.isBlank(line) {
                index += 1
            } else if let fence = MarkdownLine.fence(line) {
                html += renderFence(fence, at: &index)
            } else if let heading = MarkdownLine.heading(line) {
                html += "<h\(heading.level)>\(InlineRenderer.render(heading.text))</h\(heading.level)>\n"
                index += 1
            } else if MarkdownLine.isRule(line) {
                html += "<hr>\n"
                index += 1
            } else if MarkdownLine.startsDisplayMath(line) {
                html += renderDisplayMath(at: &index)
            } else if MarkdownLine.quoteContent(line) != nil {
                html += renderQuote(at: &index)
            } else if let marker = MarkdownLine.listMarker(line) {
                html += renderList(marker, at: &index)
            } else {
                html += renderParagraph(at: &index)
            }
        }
        return html
    }

    private func renderFence(_ fence: MarkdownLine.FenceOpening, at index: inout Int) -> String {
        var body: [String] = []
        index += 1
        while index < lines.count, !MarkdownLine.closes(lines[index], fence) {
            var line = Substring(lines[index])
            var dropped = 0
            while dropped < fence.indentation, line.first == " " {
                line = line.dropFirst()
                dropped += 1
            }
            body.append(String(line))
            index += 1
        }
        index += 1  // the closing fence; an unclosed fence runs to the end, as in CommonMark
        let language = fence.language.filter { $0.isLetter || $0.isNumber || "-_+".contains($0) }
        let classAttribute = language.isEmpty ? "" : " class=\"language-\(Report.escape(language))\""
        let code = body.map { Report.escape($0) + "\n" }.joined()
        return "<pre><code\(classAttribute)>\(code)</code></pre>\n"
    }

    private func renderDisplayMath(at index: inout Int) -> String {
        let first = Self.trimmed(lines[index])
        var tex = String(first.dropFirst(2))
        index += 1
        if tex.count >= 2, tex.hasSuffix("$$") {
            tex = String(tex.dropLast(2))
        } else {
            var parts = [tex]
            while index < lines.count {
                let line = Self.trimmed(lines[index])
                index += 1
                if line.hasSuffix("$$") {
                    parts.append(String(line.dropLast(2)))
                    break
                }
                parts.append(line)
            }
            tex = parts.joined(separator: "\n")
        }
        return "<div class=\"math display\">\(TeXRenderer.render(tex))</div>\n"
    }

    private func renderQuote(at index: inout Int) -> String {
        var body: [String] = []
        while index < lines.count {
            if let content = MarkdownLine.quoteContent(lines[index]) {
                body.append(content)
            } else if !Self.isBlank(lines[index]), let last = body.last, !Self.isBlank(last),
                      !MarkdownLine.interruptsParagraph(lines[index]) {
                body.append(lines[index])  // lazy continuation of a quoted paragraph
            } else {
                break
            }
            index += 1
        }
        return "<blockquote>\n\(MarkdownRenderer(lines: body, tight: false).renderBlocks())</blockquote>\n"
    }

    private func renderList(_ first: MarkdownLine.ListMarker, at index: inout Int) -> String {
        var items: [[String]] = []
        var loose = false
        var marker = first
        while true {
            var item = [String(lines[index].dropFirst(marker.contentOffset))]
            let contentIndent = marker.contentOffset
            index += 1
            while index < lines.count {
                let line = lines[index]
                if Self.isBlank(line) {
                    var next = index + 1
                    while next < lines.count, Self.isBlank(lines[next]) { next += 1 }
                    if next < lines.count, MarkdownLine.indentation(lines[next]) >= contentIndent {
                        item.append(contentsOf: Array(repeating: "", count: next - index))
                        index = next
                        loose = true
                        continue
                    }
                    break
                }
                if MarkdownLine.indentation(line) >= contentIndent {
                    item.append(String(line.dropFirst(contentIndent)))
                } else if MarkdownLine.listMarker(line) != nil || MarkdownLine.interruptsParagraph(line) {
                    break
                } else if let last = item.last, !Self.isBlank(last) {
                    item.append(line)  // lazy continuation of the item's paragraph
                } else {
                    break
                }
                index += 1
            }
            items.append(item)
            // Blank lines between siblings make the list loose.
            var next = index
            while next < lines.count, Self.isBlank(lines[next]) { next += 1 }
            guard next < lines.count, let sibling = MarkdownLine.listMarker(lines[next]),
                  sibling.ordered == first.ordered, sibling.symbol == first.symbol else { break }
            if next > index { loose = true }
            index = next
            marker = sibling
        }
        let tag = first.ordered ? "ol" : "ul"
        let start = first.ordered && first.start != 1 ? " start=\"\(first.start)\"" : ""
        var html = "<\(tag)\(start)>\n"
        for item in items {
            let body = MarkdownRenderer(lines: item, tight: !loose).renderBlocks()
            html += "<li>" + (body.hasSuffix("\n") ? String(body.dropLast()) : body) + "</li>\n"
        }
        return html + "</\(tag)>\n"
    }

    private func renderParagraph(at index: inout Int) -> String {
        var parts: [String] = []
        while index < lines.count {
            let line = lines[index]
            if Self.isBlank(line) || (!parts.isEmpty && MarkdownLine.interruptsParagraph(line)) { break }
            parts.append(line)
            index += 1
        }
        // Two trailing spaces mark a hard break; InlineRenderer reads it as `\` + newline.
        var text = ""
        for (position, part) in parts.enumerated() {
            var line = Substring(part.drop { $0 == " " })
            var trailing = 0
            while line.last == " " {
                line = line.dropLast()
                trailing += 1
            }
            text += line
            if position < parts.count - 1 {
                text += trailing >= 2 ? "\\\n" : "\n"
            }
        }
        let inline = InlineRenderer.render(text)
        return tight ? inline + "\n" : "<p>\(inline)</p>\n"
    }

    private static func isBlank(_ line: String) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" }
    }

    private static func trimmed(_ line: String) -> String {
        String(line.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
