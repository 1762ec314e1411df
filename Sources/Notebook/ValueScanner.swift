/// Reads one front-matter value from a line: a quoted string, a flow list, or a bare
/// scalar (integer, double, boolean or text), followed optionally by a `# comment`.
struct ValueScanner {
    /// A value together with what the string-typed keys need to see of it.
    struct Scanned {
        /// The parsed value.
        let value: ParameterValue
        /// The text as written, when the value was a bare (unquoted) scalar.
        let bareText: String?
        /// The 0-based scalar position where the value starts.
        let column: Int

        /// The value read as text: bare text as written, a quoted string's contents, or
        /// nil for a list.
        var stringValue: String? {
            if let bareText { return bareText }
            if case .string(let text) = value { return text }
            return nil
        }
    }

    /// A scanning problem at a 0-based scalar position.
    struct Failure: Error {
        let position: Int
        let message: String
    }

    private let scalars: [Unicode.Scalar]
    private var position: Int

    /// Prepares to scan `scalars` from `start` (just after the `:`).
    init(scalars: [Unicode.Scalar], start: Int) {
        self.scalars = scalars
        self.position = start
    }

    /// Where the value text begins, after spaces.
    var restStart: Int {
        var index = position
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        return index
    }

    /// Scans the value and checks that only a comment follows it. With `classifying` off,
    /// bare text stays a string (the caller reads `bareText` and applies its own rules).
    mutating func scanWholeValue(classifying: Bool = true) throws -> Scanned {
        skipSpaces()
        let start = position
        guard position < scalars.count, scalars[position] != "#" else {
            throw Failure(position: position, message: "missing value after ':'")
        }
        let (value, bare) = try scanItem(inList: false, classifying: classifying)
        skipSpaces()
        if position < scalars.count, scalars[position] != "#" {
            throw Failure(position: position, message: "unexpected text after the value")
        }
        return Scanned(value: value, bareText: bare, column: start)
    }

    private mutating func skipSpaces() {
        while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 }
    }

    private mutating func scanItem(inList: Bool, classifying: Bool = true) throws -> (ParameterValue, String?) {
        switch scalars[position] {
        case "\"": return (.string(try scanDoubleQuoted()), nil)
        case "'": return (.string(try scanSingleQuoted()), nil)
        case "[": return (try scanList(), nil)
        default:
            let start = position
            while position < scalars.count {
                let scalar = scalars[position]
                if inList, scalar == "," || scalar == "]" { break }
                // A '#' starts a comment only after whitespace, as in YAML.
                if scalar == "#", position > start, scalars[position - 1] == " " || scalars[position - 1] == "\t" { break }
                position += 1
            }
            let text = String(String.UnicodeScalarView(scalars[start..<position])).trimmed
            guard !text.isEmpty else {
                throw Failure(position: start, message: "missing value")
            }
            return (classifying ? try Self.classify(text, at: start) : .string(text), text)
        }
    }

    /// Reads bare text as a boolean, integer or double when it spells one, else as a string.
    private static func classify(_ text: String, at start: Int) throws -> ParameterValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        let digits = text.unicodeScalars.drop { $0 == "-" || $0 == "+" }
        let isDigit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        let signCount = text.unicodeScalars.count - digits.count
        guard signCount <= 1, let first = digits.first, isDigit(first) || first == "." else {
            return .string(text)
        }
        if digits.allSatisfy(isDigit) {
            guard let value = Int(text) else {
                throw Failure(position: start, message: "integer \(text) is out of range")
            }
            return .int(value)
        }
        let numeric = digits.allSatisfy { isDigit($0) || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+" }
        if numeric, digits.contains(where: isDigit), let value = Double(text) {
            return .double(value)
        }
        return .string(text)
    }

    private mutating func scanDoubleQuoted() throws -> String {
        let open = position
        position += 1
        var text = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == "\"" {
                position += 1
                return String(text)
            }
            if scalar == "\\" {
                guard position + 1 < scalars.count else { break }
                let escaped = scalars[position + 1]
                switch escaped {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\"", "\\", "/": text.append(escaped)
                default:
                    throw Failure(position: position, message: "unknown escape '\\\(escaped)' in string")
                }
                position += 2
                continue
            }
            text.append(scalar)
            position += 1
        }
        throw Failure(position: open, message: "unterminated string")
    }

    private mutating func scanSingleQuoted() throws -> String {
        let open = position
        position += 1
        var text = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == "'" {
                // YAML writes a quote inside single quotes as two quotes.
                if position + 1 < scalars.count, scalars[position + 1] == "'" {
                    text.append("'")
                    position += 2
                    continue
                }
                position += 1
                return String(text)
            }
            text.append(scalar)
            position += 1
        }
        throw Failure(position: open, message: "unterminated string")
    }

    private mutating func scanList() throws -> ParameterValue {
        let open = position
        position += 1
        var items: [ParameterValue] = []
        skipSpaces()
        if position < scalars.count, scalars[position] == "]" {
            position += 1
            return .list(items)
        }
        while true {
            skipSpaces()
            guard position < scalars.count else {
                throw Failure(position: open, message: "unterminated list (missing ']')")
            }
            items.append(try scanItem(inList: true).0)
            skipSpaces()
            guard position < scalars.count else {
                throw Failure(position: open, message: "unterminated list (missing ']')")
            }
            if scalars[position] == "]" {
                position += 1
                return .list(items)
            }
            guard scalars[position] == "," else {
                throw Failure(position: position, message: "expected ',' or ']' in list")
            }
            position += 1
        }
    }
}
