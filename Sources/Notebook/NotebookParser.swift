/// Reads a Markdown notebook into front matter, prose blocks and `swift` cells.
public enum NotebookParser {
    /// Parses a notebook from raw file bytes, which must be UTF-8 (a leading byte-order mark
    /// is skipped). Throws `NotebookError` naming the line and column of the first problem;
    /// model names and precisions are checked against `vocabulary`.
    public static func parse(bytes: [UInt8], path: String, vocabulary: NotebookVocabulary) throws -> NotebookDocument {
        var body = bytes
        if body.starts(with: [0xEF, 0xBB, 0xBF]) {
            body.removeFirst(3)
        }
        if let failure = UTF8Validator.firstFailure(in: body) {
            let hex = String(failure.byte, radix: 16, uppercase: true)
            throw NotebookError(
                path: path, line: failure.line, column: failure.column,
                message: "invalid UTF-8 byte 0x\(hex.count == 1 ? "0" + hex : hex); notebooks must be UTF-8 text")
        }
        let lines = SourceLines(bytes: body)
        var frontMatter = FrontMatter()
        var bodyStart = 0
        if lines.count > 0, isFrontMatterDelimiter(lines[0]) {
            guard let close = (1..<max(lines.count, 1)).first(where: { isFrontMatterDelimiter(lines[$0]) }) else {
                throw NotebookError(path: path, line: 1, column: 1,
                                    message: "front matter opened here is never closed by a '---' line")
            }
            let texts = (1..<close).map { lines.text($0) }
            frontMatter = try FrontMatterParser(path: path, firstLine: 2, vocabulary: vocabulary).parse(texts)
            bodyStart = close + 1
        }
        let blocks = try parseBody(lines, from: bodyStart, path: path, vocabulary: vocabulary)
        return NotebookDocument(path: path, frontMatter: frontMatter, blocks: blocks)
    }

    /// Parses a notebook already held as text.
    public static func parse(text: String, path: String, vocabulary: NotebookVocabulary) throws -> NotebookDocument {
        try parse(bytes: Array(text.utf8), path: path, vocabulary: vocabulary)
    }

    /// A line of exactly `---`, trailing spaces allowed.
    private static func isFrontMatterDelimiter(_ line: ArraySlice<UInt8>) -> Bool {
        var trimmed = line
        while let last = trimmed.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            trimmed = trimmed.dropLast()
        }
        return trimmed.elementsEqual("---".utf8)
    }

    /// Splits the lines after the front matter into prose runs and cells.
    private static func parseBody(_ lines: SourceLines, from start: Int, path: String, vocabulary: NotebookVocabulary) throws -> [Block] {
        var blocks: [Block] = []
        var proseStart = start
        var cellCount = 0
        var index = start

        // The open `::: {model="..."}` block: its line and the names it applies to.
        var condition: (line: Int, models: [String])?

        func flushProse(upTo end: Int) {
            var first = proseStart
            var last = end
            while first < last, lines.isBlank(first) { first += 1 }
            while last > first, lines.isBlank(last - 1) { last -= 1 }
            if first < last {
                blocks.append(.prose(Prose(markdown: lines.joined(first..<last), line: first + 1, models: condition?.models)))
            }
        }

        while index < lines.count {
            if let marker = try ModelCondition(line: lines[index], number: index + 1, path: path, known: vocabulary.blockModels) {
                switch (marker, condition) {
                case (.open(let models), nil):
                    flushProse(upTo: index)
                    condition = (index + 1, models)
                case (.open, let open?):
                    throw NotebookError(path: path, line: index + 1, column: 1,
                                        message: "a model block cannot open inside another (the one opened at line \(open.line) is still open; close it with ':::')")
                case (.close, nil):
                    throw NotebookError(path: path, line: index + 1, column: 1, message: "':::' closes no model block")
                case (.close, _):
                    flushProse(upTo: index)
                    condition = nil
                }
                proseStart = index + 1
                index += 1
                continue
            }
            guard let fence = Fence(opening: lines[index]) else {
                index += 1
                continue
            }
            guard let close = (index + 1..<max(lines.count, index + 1)).first(where: { fence.isClosed(by: lines[$0]) }) else {
                throw NotebookError(
                    path: path, line: index + 1, column: fence.indentation + 1,
                    message: "code fence opened here is never closed (expected a line of at least \(fence.length) '\(fence.marker)')")
            }
            if fence.isSwiftCell {
                if let open = condition {
                    throw NotebookError(path: path, line: index + 1, column: fence.indentation + 1,
                                        message: "a swift cell cannot be inside a model block (opened at line \(open.line)): close the block first; a cell can ask modelName() itself")
                }
                flushProse(upTo: index)
                let source = lines.joined(index + 1..<close, droppingIndentation: fence.indentation)
                let cell = Cell(index: cellCount, source: source, line: index + 2,
                                fenceLine: index + 1, indentation: fence.indentation)
                blocks.append(.cell(cell))
                cellCount += 1
                proseStart = close + 1
            }
            index = close + 1
        }
        if let open = condition {
            throw NotebookError(path: path, line: open.line, column: 1, message: "model block opened here is never closed (expected a line ':::')")
        }
        flushProse(upTo: lines.count)
        return blocks
    }
}
