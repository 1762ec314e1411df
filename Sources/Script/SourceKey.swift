/// A cell's source as the cache keys it: its tokens, so that comments and the spacing inside a
/// line change nothing. What does change meaning is kept: line breaks (they end statements)
/// and the spacing that makes `-`, `!` and `?` prefix or postfix, as in Swift.
public enum SourceKey {
    /// The canonical text of `source`'s tokens; nil when it does not lex (the caller keys the
    /// text itself then: an error has to show anyway).
    public static func canonical(_ source: String) -> String? {
        guard let tokens = try? Lexer.tokenize(source) else { return nil }
        var text = ""
        append(tokens, to: &text)
        return text
    }

    /// The spacing that changes what an operator means: `-` with space on one side only is
    /// a prefix minus (`a -b`); `!` and `?` bind as postfix without space before them.
    private static func spacing(_ token: Token, _ symbol: String) -> String {
        switch symbol {
        case "-": return token.spaceBefore == token.spaceAfter ? "" : token.spaceBefore ? "<" : ">"
        case "!", "?": return (token.spaceBefore ? "<" : "") + (token.spaceAfter ? ">" : "")
        default: return ""
        }
    }

    private static func append(_ tokens: [Token], to text: inout String) {
        for token in tokens {
            if token.newlineBefore { text += "\n" } else if !text.isEmpty { text += " " }
            switch token.kind {
            case .identifier(let name): text += "i:" + name
            case .anonymous(let index): text += "$\(index)"
            case .keyword(let keyword): text += "k:" + keyword.rawValue
            case .integer(let value): text += "n:\(value)"
            case .oversizedInteger(let digits): text += "n:" + digits
            case .double(let value): text += "d:\(value.bitPattern)"
            case .symbol(let symbol): text += "s:" + symbol + spacing(token, symbol)
            case .endOfInput: text += "end"
            case .string(let segments):
                text += "\""
                for segment in segments {
                    switch segment {
                    case .text(let literal): text += literal.debugDescription
                    case .interpolation(let inner, _):
                        text += "\\("
                        append(inner, to: &text)
                        text += ")"
                    }
                }
                text += "\""
            }
        }
    }
}
