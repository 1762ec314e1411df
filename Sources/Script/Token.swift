/// One lexical token with its position and the whitespace around it (which decides whether an
/// operator is prefix or binary and whether a statement ended, as in Swift).
struct Token: Sendable {
    /// What the token is.
    enum Kind: Sendable {
        case identifier(String)
        /// `$0`, `$1`: anonymous closure parameters.
        case anonymous(Int)
        case keyword(Keyword)
        case integer(Int)
        /// An integer literal too large for Int; kept as text so `-9223372036854775808` can
        /// still be folded and other uses reported.
        case oversizedInteger(String)
        case double(Double)
        case string([Segment])
        /// Operators and punctuation: `+`, `..<`, `(`, `{`, `,` ...
        case symbol(String)
        case endOfInput
    }

    /// A piece of a string literal: literal text or an interpolated expression's tokens.
    enum Segment: Sendable {
        case text(String)
        case interpolation([Token], SourceRange)
    }

    var kind: Kind
    var range: SourceRange
    /// Whitespace, a comment or the start of input precedes the token.
    var spaceBefore: Bool
    /// A line break precedes the token (a statement boundary).
    var newlineBefore: Bool
    /// Whitespace, a comment or the end of input follows the token.
    var spaceAfter: Bool

    /// The symbol text when the token is punctuation or an operator.
    var symbol: String? {
        if case .symbol(let text) = kind { return text }
        return nil
    }

    /// Whether the token is the symbol `text`.
    func isSymbol(_ text: String) -> Bool { symbol == text }

    /// Whether the token is a string literal.
    var isStringLiteral: Bool {
        if case .string = kind { return true }
        return false
    }

    /// Whether the token is the keyword `keyword`.
    func isKeyword(_ keyword: Keyword) -> Bool {
        if case .keyword(let k) = kind { return k == keyword }
        return false
    }

    /// Short text for "found ..." in syntax errors.
    var describedForError: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .anonymous(let index): return "'$\(index)'"
        case .keyword(let keyword): return "'\(keyword.rawValue)'"
        case .integer(let value): return "'\(value)'"
        case .oversizedInteger(let text): return "'\(text)'"
        case .double(let value): return "'\(value)'"
        case .string: return "string literal"
        case .symbol(let text): return "'\(text)'"
        case .endOfInput: return "end of cell"
        }
    }
}

/// Reserved words of the cell language.
enum Keyword: String, Sendable, CaseIterable {
    case `let`, `var`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`, `return`
    case `true`, `false`, `func`, `struct`, `class`, `nil`
}
