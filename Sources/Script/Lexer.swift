/// Turns cell source into tokens. Never traps: every malformed input becomes a ScriptError.
struct Lexer {
    /// Deepest nesting of string interpolations accepted; deeper input is an error, not a crash.
    static let maximumInterpolationDepth = 64

    /// Operators and punctuation, longest first so `..<` wins over `.`.
    static let symbols: [String] = [
        "...", "..<", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "->",
        "+", "-", "*", "/", "%", "=", "<", ">", "!", "?", ":", ".", ",", ";",
        "(", ")", "[", "]", "{", "}",
    ]

    let characters: [Character]
    var index = 0
    var line = 1
    var column = 1

    init(_ source: String) {
        characters = Array(source)
    }

    /// All tokens of the source, ending with `.endOfInput`.
    static func tokenize(_ source: String) throws(ScriptError) -> [Token] {
        var lexer = Lexer(source)
        return try lexer.tokens(untilClosingParenthesis: false, depth: 0)
    }

    var location: SourceLocation { SourceLocation(line: line, column: column) }

    func peek(_ offset: Int = 0) -> Character? {
        let position = index + offset
        return position < characters.count ? characters[position] : nil
    }

    mutating func advance() {
        guard index < characters.count else { return }
        if characters[index].isNewline {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    /// Lexes tokens until the end of input, or (inside an interpolation) until the `)` that
    /// closes it, which is consumed but not returned.
    mutating func tokens(untilClosingParenthesis: Bool, depth: Int) throws(ScriptError) -> [Token] {
        var result: [Token] = []
        var parentheses = 0
        var sawSpace = true
        var sawNewline = untilClosingParenthesis ? false : true
        let opening = location
        while true {
            let (space, newline) = try skipTrivia()
            sawSpace = sawSpace || space
            sawNewline = sawNewline || newline
            if !result.isEmpty, sawSpace { result[result.count - 1].spaceAfter = true }
            guard let character = peek() else {
                if untilClosingParenthesis {
                    throw ScriptError(kind: .syntax, message: "unterminated string interpolation",
                                      range: SourceRange(start: opening, length: 1))
                }
                result.append(Token(kind: .endOfInput, range: SourceRange(start: location, length: 1),
                                    spaceBefore: true, newlineBefore: true, spaceAfter: true))
                return result
            }
            if untilClosingParenthesis, character == ")", parentheses == 0 {
                if !result.isEmpty { result[result.count - 1].spaceAfter = true }
                advance()
                result.append(Token(kind: .endOfInput, range: SourceRange(start: location, length: 1),
                                    spaceBefore: true, newlineBefore: true, spaceAfter: true))
                return result
            }
            var token = try lexToken(depth: depth)
            token.spaceBefore = sawSpace
            token.newlineBefore = sawNewline
            if token.isSymbol("(") { parentheses += 1 }
            if token.isSymbol(")") { parentheses -= 1 }
            result.append(token)
            sawSpace = false
            sawNewline = false
        }
    }

    /// Skips whitespace and comments; reports whether any space or line break was skipped.
    mutating func skipTrivia() throws(ScriptError) -> (space: Bool, newline: Bool) {
        var space = false, newline = false
        while let character = peek() {
            if character.isNewline {
                newline = true
                space = true
                advance()
            } else if character.isWhitespace {
                space = true
                advance()
            } else if character == "/", peek(1) == "/" {
                space = true
                while let c = peek(), !c.isNewline { advance() }
            } else if character == "/", peek(1) == "*" {
                space = true
                try skipBlockComment()
            } else {
                break
            }
        }
        return (space, newline)
    }

    /// Block comments nest, as in Swift.
    mutating func skipBlockComment() throws(ScriptError) {
        let start = location
        var depth = 0
        repeat {
            if peek() == "/", peek(1) == "*" {
                depth += 1
                advance(); advance()
            } else if peek() == "*", peek(1) == "/" {
                depth -= 1
                advance(); advance()
            } else if peek() == nil {
                throw ScriptError(kind: .syntax, message: "unterminated '/*' comment",
                                  range: SourceRange(start: start, length: 2))
            } else {
                advance()
            }
        } while depth > 0
    }

    mutating func lexToken(depth: Int) throws(ScriptError) -> Token {
        let start = location
        let startIndex = index
        guard let character = peek() else {
            return Token(kind: .endOfInput, range: SourceRange(start: start, length: 1),
                         spaceBefore: true, newlineBefore: true, spaceAfter: true)
        }
        func make(_ kind: Token.Kind) -> Token {
            // A token spanning lines (a multi-line string) is measured in characters anyway;
            // carets clip at the end of the first line.
            let length = max(1, index - startIndex)
            return Token(kind: kind, range: SourceRange(start: start, length: length),
                         spaceBefore: false, newlineBefore: false, spaceAfter: false)
        }
        if character.isASCIIDigit {
            return make(try lexNumber(start: start))
        }
        if character == "_" || character.isLetter {
            var name = ""
            while let c = peek(), c == "_" || c.isLetter || c.isNumber {
                name.append(c)
                advance()
            }
            if let keyword = Keyword(rawValue: name) { return make(.keyword(keyword)) }
            return make(.identifier(name))
        }
        if character == "$" {
            advance()
            var digits = ""
            while let c = peek(), c.isASCIIDigit {
                digits.append(c)
                advance()
            }
            guard let value = Int(digits), value < 100 else {
                throw ScriptError(kind: .syntax, message: "expected a number after '$' (as in '$0')",
                                  range: SourceRange(start: start, length: max(1, index - startIndex)))
            }
            return make(.anonymous(value))
        }
        if character == "\"" {
            let segments = try lexString(start: start, depth: depth)
            return make(.string(segments))
        }
        for symbol in Self.symbols where matches(symbol) {
            for _ in 0..<symbol.count { advance() }
            return make(.symbol(symbol))
        }
        advance()
        throw ScriptError(kind: .syntax, message: "unexpected character '\(character)'",
                          range: SourceRange(start: start, length: 1))
    }

    func matches(_ symbol: String) -> Bool {
        var offset = 0
        for character in symbol {
            guard peek(offset) == character else { return false }
            offset += 1
        }
        return true
    }

    /// Integers (`1_000`, `0x1F`, `0b101`) and doubles (`0.5`, `1e-3`). `1..<3` stays an Int
    /// followed by `..<`, because a fraction needs a digit after the dot.
    mutating func lexNumber(start: SourceLocation) throws(ScriptError) -> Token.Kind {
        let startIndex = index
        func failure(_ message: String) -> ScriptError {
            ScriptError(kind: .syntax, message: message,
                        range: SourceRange(start: start, length: max(1, index - startIndex)))
        }
        if peek() == "0", let radixCharacter = peek(1), radixCharacter == "x" || radixCharacter == "b" || radixCharacter == "o" {
            let radix = radixCharacter == "x" ? 16 : radixCharacter == "b" ? 2 : 8
            advance(); advance()
            var digits = ""
            while let c = peek(), c.isHexDigit || c == "_" || c.isLetter || c.isNumber {
                if c != "_" { digits.append(c) }
                advance()
            }
            guard !digits.isEmpty, let value = Int(digits, radix: radix) else {
                throw failure("invalid integer literal")
            }
            return .integer(value)
        }
        var text = ""
        var isDouble = false
        func digits() {
            while let c = peek(), c.isASCIIDigit || c == "_" {
                if c != "_" { text.append(c) }
                advance()
            }
        }
        digits()
        if peek() == ".", let next = peek(1), next.isASCIIDigit {
            isDouble = true
            text.append(".")
            advance()
            digits()
        }
        if let e = peek(), e == "e" || e == "E" {
            let signOffset = (peek(1) == "-" || peek(1) == "+") ? 2 : 1
            if let next = peek(signOffset), next.isASCIIDigit {
                isDouble = true
                text.append("e")
                advance()
                if signOffset == 2, let sign = peek() {
                    text.append(sign)
                    advance()
                }
                digits()
            }
        }
        if let c = peek(), c.isLetter || c == "_" {
            while let c = peek(), c.isLetter || c.isNumber || c == "_" { advance() }
            throw failure("invalid number literal")
        }
        if isDouble {
            guard let value = Double(text) else { throw failure("invalid floating-point literal") }
            return .double(value)
        }
        guard let value = Int(text) else { return .oversizedInteger(text) }
        return .integer(value)
    }
}

extension Character {
    /// `0`...`9` only: other Unicode digits are not number literals.
    var isASCIIDigit: Bool { isASCII && isNumber && ("0"..."9").contains(self) }
}
