/// Renders common TeX maths as HTML text and Unicode, legible without any script:
/// Greek letters and symbols become characters, `_`/`^` become `<sub>`/`<sup>`, `\bar`
/// an overline, `\frac{a}{b}` a/b (parenthesised where needed), `\sqrt{x}` √(x), and
/// `\mathcal`, `\mathbb`, `\mathbf`, `\text` their letter styles. Unknown commands are
/// shown as written.
struct TeXRenderer {
    /// How an atom spaces against its neighbours.
    enum Kind {
        case ordinary, binary, relation, open, close, punctuation, function, space
    }

    /// One rendered piece of a formula.
    struct Atom {
        var html: String
        var kind: Kind
    }

    private let chars: [Character]
    private var position = 0

    /// The formula's HTML (escaped).
    static func render(_ tex: String) -> String {
        var renderer = TeXRenderer(chars: Array(tex))
        var atoms: [Atom] = []
        while renderer.position < renderer.chars.count {
            atoms += renderer.parseSequence(stopAt: "}")
            // A stray `}` at top level is shown rather than looping on it.
            if renderer.position < renderer.chars.count, renderer.chars[renderer.position] == "}" {
                atoms.append(Atom(html: "}", kind: .ordinary))
                renderer.position += 1
            }
        }
        return join(atoms)
    }

    private init(chars: [Character]) {
        self.chars = chars
    }

    /// Joins atoms with TeX-like spacing: spaces around relations, and around binary
    /// operators unless they are unary (at the start or after an operator or opening).
    static func join(_ atoms: [Atom]) -> String {
        var html = ""
        var previous: Kind?
        for (offset, atom) in atoms.enumerated() {
            switch atom.kind {
            case .relation:
                html += offset == 0 ? atom.html + " " : " " + atom.html + " "
            case .binary:
                if let previous, previous != .binary, previous != .relation, previous != .open, previous != .punctuation {
                    html += " " + atom.html + " "
                } else {
                    html += atom.html
                }
            case .punctuation:
                html += atom.html + " "
            case .ordinary, .open:
                if previous == .function { html += "\u{2009}" }
                html += atom.html
            default:
                html += atom.html
            }
            previous = atom.kind
        }
        // Spacing added around a trailing relation or punctuation has nothing to separate.
        while html.hasSuffix(" ") { html.removeLast() }
        return html
    }

    /// Number of atoms that count for grouping (spaces do not).
    private static func weight(_ atoms: [Atom]) -> Int {
        atoms.filter { $0.kind != .space }.count
    }

    /// Parses atoms (with their scripts) until `stopAt` or the end; the stop character is
    /// not consumed.
    private mutating func parseSequence(stopAt stop: Character?) -> [Atom] {
        var atoms: [Atom] = []
        while position < chars.count, chars[position] != stop {
            if chars[position] == "}" { break }
            guard var atom = parseAtom() else { continue }
            parseScripts(into: &atom)
            atoms.append(atom)
        }
        return atoms
    }

    /// `_x` and `^x` after an atom, in either order.
    private mutating func parseScripts(into atom: inout Atom) {
        while true {
            skipWhitespace()
            guard position < chars.count, chars[position] == "_" || chars[position] == "^" else { return }
            let tag = chars[position] == "_" ? "sub" : "sup"
            position += 1
            let script = parseArgument()
            atom.html += "<\(tag)>\(script.html)</\(tag)>"
            if atom.kind == .space { atom.kind = .ordinary }
        }
    }

    private mutating func skipWhitespace() {
        while position < chars.count, chars[position].isWhitespace { position += 1 }
    }

    /// A command's argument: a `{group}` or a single atom; `count` is how many atoms it
    /// held, which decides whether a fraction needs parentheses.
    private mutating func parseArgument() -> (html: String, count: Int) {
        skipWhitespace()
        guard position < chars.count else { return ("", 0) }
        if chars[position] == "{" {
            position += 1
            let atoms = parseSequence(stopAt: "}")
            if position < chars.count { position += 1 }
            return (Self.join(atoms), Self.weight(atoms))
        }
        guard var atom = parseAtom() else { return ("", 0) }
        if atom.kind == .space { atom.kind = .ordinary }
        return (atom.html, 1)
    }

    /// A `{group}` read as raw text (for `\text`, `\begin`), with `\_`-style escapes resolved.
    private mutating func parseRawArgument() -> String {
        skipWhitespace()
        guard position < chars.count, chars[position] == "{" else {
            if position < chars.count {
                position += 1
                return String(chars[position - 1])
            }
            return ""
        }
        position += 1
        var depth = 1
        var text = ""
        while position < chars.count {
            let char = chars[position]
            if char == "\\", position + 1 < chars.count, !chars[position + 1].isLetter {
                text.append(chars[position + 1])
                position += 2
                continue
            }
            if char == "{" { depth += 1 }
            if char == "}" {
                depth -= 1
                if depth == 0 { position += 1; break }
            }
            text.append(char)
            position += 1
        }
        return text
    }

    /// One atom, or nil when the input only held whitespace or an ignored command.
    private mutating func parseAtom() -> Atom? {
        let char = chars[position]
        if char.isWhitespace {
            position += 1
            return nil
        }
        if char == "\\" { return parseCommand() }
        if char == "{" {
            position += 1
            let atoms = parseSequence(stopAt: "}")
            if position < chars.count { position += 1 }
            return Atom(html: Self.join(atoms), kind: .ordinary)
        }
        if char.isLetter {
            // A run of ASCII letters reads as one italic word; other letters stand alone.
            var word = String(char)
            position += 1
            while char.isASCII, position < chars.count, chars[position].isASCII, chars[position].isLetter {
                word.append(chars[position])
                position += 1
            }
            return Atom(html: "<i>\(Report.escape(word))</i>", kind: .ordinary)
        }
        if char.isNumber {
            var number = ""
            while position < chars.count, chars[position].isNumber || (chars[position] == "." && position + 1 < chars.count && chars[position + 1].isNumber) {
                number.append(chars[position])
                position += 1
            }
            return Atom(html: number, kind: .ordinary)
        }
        position += 1
        switch char {
        case "+": return Atom(html: "+", kind: .binary)
        case "-": return Atom(html: "\u{2212}", kind: .binary)
        case "*": return Atom(html: "\u{2217}", kind: .binary)
        case "/": return Atom(html: "/", kind: .ordinary)
        case "=": return Atom(html: "=", kind: .relation)
        case "<": return Atom(html: "&lt;", kind: .relation)
        case ">": return Atom(html: "&gt;", kind: .relation)
        case ":":
            if position < chars.count, chars[position] == "=" {
                position += 1
                return Atom(html: "\u{2254}", kind: .relation)
            }
            return Atom(html: ":", kind: .relation)
        case ",", ";": return Atom(html: String(char), kind: .punctuation)
        case "(", "[": return Atom(html: String(char), kind: .open)
        case ")", "]": return Atom(html: String(char), kind: .close)
        case "'":
            var primes = "\u{2032}"
            while position < chars.count, chars[position] == "'" {
                primes = primes == "\u{2032}" ? "\u{2033}" : primes + "\u{2032}"
                position += 1
            }
            return Atom(html: primes, kind: .ordinary)
        case "~": return Atom(html: "&nbsp;", kind: .space)
        case "&": return Atom(html: "\u{2003}", kind: .space)  // alignment point: a gap
        default: return Atom(html: Report.escape(String(char)), kind: .ordinary)
        }
    }

    /// A `\command` and its arguments.
    private mutating func parseCommand() -> Atom? {
        position += 1  // the backslash
        guard position < chars.count else { return Atom(html: "\\", kind: .ordinary) }
        if !chars[position].isLetter {
            let symbol = chars[position]
            position += 1
            return TeXSymbols.nonLetterCommand(symbol)
        }
        var name = ""
        while position < chars.count, chars[position].isASCII, chars[position].isLetter {
            name.append(chars[position])
            position += 1
        }
        if let symbol = TeXSymbols.symbol(name) {
            return symbol
        }
        switch name {
        case "frac", "dfrac", "tfrac":
            let numerator = parseArgument()
            let denominator = parseArgument()
            let top = numerator.count > 1 ? "(\(numerator.html))" : numerator.html
            let bottom = denominator.count > 1 ? "(\(denominator.html))" : denominator.html
            return Atom(html: "\(top)/\(bottom)", kind: .ordinary)
        case "sqrt":
            var index = ""
            skipWhitespace()
            if position < chars.count, chars[position] == "[" {
                position += 1
                let atoms = parseSequence(stopAt: "]")
                if position < chars.count { position += 1 }
                index = "<sup>\(Self.join(atoms))</sup>"
            }
            let radicand = parseArgument()
            let body = radicand.count > 1 ? "(\(radicand.html))" : radicand.html
            return Atom(html: "\(index)\u{221A}\(body)", kind: .ordinary)
        case "bar", "overline":
            return Atom(html: "<span class=\"overline\">\(parseArgument().html)</span>", kind: .ordinary)
        case "underline":
            return Atom(html: "<u>\(parseArgument().html)</u>", kind: .ordinary)
        case "hat", "widehat", "tilde", "widetilde", "dot", "ddot", "vec", "check", "breve":
            return Atom(html: parseArgument().html + TeXSymbols.combiningAccent(name), kind: .ordinary)
        case "mathcal", "mathscr":
            return Atom(html: TeXSymbols.styled(parseRawArgument(), style: .script), kind: .ordinary)
        case "mathbb":
            return Atom(html: TeXSymbols.styled(parseRawArgument(), style: .doubleStruck), kind: .ordinary)
        case "mathbf", "boldsymbol", "bm", "textbf":
            return Atom(html: "<b>\(parseArgument().html)</b>", kind: .ordinary)
        case "mathit", "textit", "emph":
            return Atom(html: "<i>\(parseArgument().html)</i>", kind: .ordinary)
        case "mathrm", "operatorname":
            if position < chars.count, chars[position] == "*" { position += 1 }
            let text = parseRawArgument()
            return Atom(html: "<span class=\"upright\">\(Report.escape(text))</span>",
                        kind: name == "operatorname" ? .function : .ordinary)
        case "text", "textrm", "mbox", "texttt", "textsf":
            return Atom(html: "<span class=\"upright\">\(Report.escape(parseRawArgument()))</span>", kind: .ordinary)
        case "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "middle":
            skipWhitespace()
            if position < chars.count, chars[position] == "." {
                position += 1
                return nil
            }
            return nil  // the delimiter that follows is read as an ordinary atom
        case "begin", "end":
            _ = parseRawArgument()
            return nil
        case "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits":
            return nil
        default:
            return Atom(html: Report.escape("\\" + name), kind: .ordinary)
        }
    }
}
