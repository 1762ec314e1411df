extension Lexer {
    /// Lexes a string literal starting at its opening `"`: escapes, `\(...)` interpolation
    /// (lexed recursively, with a depth cap) and `"""` multi-line literals.
    mutating func lexString(start: SourceLocation, depth: Int) throws(ScriptError) -> [Token.Segment] {
        if matches("\"\"\"") { return try lexMultiLineString(start: start, depth: depth) }
        advance()
        var builder = SegmentBuilder()
        while true {
            guard let character = peek(), !character.isNewline else {
                throw ScriptError(kind: .syntax, message: "unterminated string literal",
                                  range: SourceRange(start: start, length: 1))
            }
            if character == "\"" {
                advance()
                return builder.finish()
            }
            if character == "\\" {
                try lexEscape(into: &builder, depth: depth)
            } else {
                builder.text.append(character)
                advance()
            }
        }
    }

    /// `"""` on its own line opens; a line holding only indentation and `"""` closes, and that
    /// indentation is removed from every line, as in Swift.
    mutating func lexMultiLineString(start: SourceLocation, depth: Int) throws(ScriptError) -> [Token.Segment] {
        advance(); advance(); advance()
        while let c = peek(), c.isWhitespace, !c.isNewline { advance() }
        guard let newline = peek(), newline.isNewline else {
            throw ScriptError(kind: .syntax, message: "multi-line string literal content must begin on a new line",
                              range: SourceRange(start: start, length: 3))
        }
        advance()
        var builder = SegmentBuilder()
        var atLineStart = true
        while true {
            if atLineStart {
                var offset = 0
                var indentation: [Character] = []
                while let c = peek(offset), c.isWhitespace, !c.isNewline {
                    indentation.append(c)
                    offset += 1
                }
                if peek(offset) == "\"", peek(offset + 1) == "\"", peek(offset + 2) == "\"" {
                    for _ in 0..<(offset + 3) { advance() }
                    if builder.text.hasSuffix("\n") { builder.text.removeLast() }
                    return Self.removingIndentation(indentation, from: builder.finish())
                }
                atLineStart = false
            }
            guard let character = peek() else {
                throw ScriptError(kind: .syntax, message: "unterminated multi-line string literal",
                                  range: SourceRange(start: start, length: 3))
            }
            if character.isNewline {
                builder.text.append("\n")
                advance()
                atLineStart = true
            } else if character == "\\" {
                try lexEscape(into: &builder, depth: depth)
            } else {
                builder.text.append(character)
                advance()
            }
        }
    }

    /// Handles one backslash sequence at the current position.
    mutating func lexEscape(into builder: inout SegmentBuilder, depth: Int) throws(ScriptError) {
        let start = location
        advance()
        guard let escaped = peek() else {
            throw ScriptError(kind: .syntax, message: "unterminated string literal",
                              range: SourceRange(start: start, length: 1))
        }
        switch escaped {
        case "n": builder.text.append("\n")
        case "t": builder.text.append("\t")
        case "r": builder.text.append("\r")
        case "0": builder.text.append("\0")
        case "\\": builder.text.append("\\")
        case "\"": builder.text.append("\"")
        case "'": builder.text.append("'")
        case "u":
            advance()
            guard peek() == "{" else {
                throw ScriptError(kind: .syntax, message: "expected '{' in \\u{...} escape",
                                  range: SourceRange(start: start, length: 2))
            }
            advance()
            var hex = ""
            while let c = peek(), c.isHexDigit, hex.count < 8 {
                hex.append(c)
                advance()
            }
            guard peek() == "}", let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                throw ScriptError(kind: .syntax, message: "invalid unicode scalar in \\u{...} escape",
                                  range: SourceRange(start: start, length: 2))
            }
            builder.text.append(Character(scalar))
        case "(":
            advance()
            guard depth + 1 <= Self.maximumInterpolationDepth else {
                throw ScriptError(kind: .syntax,
                                  message: "string interpolations nested too deeply (limit \(Self.maximumInterpolationDepth))",
                                  range: SourceRange(start: start, length: 2))
            }
            let tokens = try self.tokens(untilClosingParenthesis: true, depth: depth + 1)
            builder.flushText()
            let length = line == start.line ? column - start.column : 2
            builder.segments.append(.interpolation(tokens, SourceRange(start: start, length: max(2, length))))
            return
        default:
            throw ScriptError(kind: .syntax, message: "invalid escape sequence '\\\(escaped)' in literal",
                              range: SourceRange(start: start, length: 2))
        }
        advance()
    }

    /// Strips the closing delimiter's indentation from the start of every line of text.
    static func removingIndentation(_ indentation: [Character], from segments: [Token.Segment]) -> [Token.Segment] {
        guard !indentation.isEmpty else { return segments }
        var atLineStart = true
        return segments.map { segment in
            guard case .text(let text) = segment else {
                atLineStart = false
                return segment
            }
            var result = ""
            var pending = 0
            for character in text {
                if atLineStart, pending < indentation.count, character == indentation[pending] {
                    pending += 1
                    continue
                }
                atLineStart = false
                if character == "\n" {
                    atLineStart = true
                    pending = 0
                }
                result.append(character)
            }
            return .text(result)
        }
    }
}

/// Accumulates the pieces of a string literal.
struct SegmentBuilder {
    var segments: [Token.Segment] = []
    var text = ""

    mutating func flushText() {
        if !text.isEmpty { segments.append(.text(text)) }
        text = ""
    }

    mutating func finish() -> [Token.Segment] {
        flushText()
        return segments
    }
}
