import TextDistance

/// Parses the lines between the front matter's `---` delimiters: a small YAML subset of
/// `key: value` lines, `#` comments, and indented `name: value` lines under `parameters:`.
struct FrontMatterParser {
    /// The notebook path, for errors.
    let path: String
    /// The 1-based file line of the first front-matter line.
    let firstLine: Int
    /// What `model:` and `precision:` may name.
    let vocabulary: NotebookVocabulary

    /// Parses the given lines (without the delimiters).
    func parse(_ lines: [String]) throws -> FrontMatter {
        var frontMatter = FrontMatter()
        var seenKeys: [String: Int] = [:]
        var seenParameters: [String: Int] = [:]
        var inParameters = false

        for (offset, text) in lines.enumerated() {
            let lineNumber = firstLine + offset
            let scalars = Array(text.unicodeScalars)
            let indentation = scalars.prefix { $0 == " " || $0 == "\t" }.count
            if indentation == scalars.count || scalars[indentation] == "#" { continue }

            guard let colon = scalars[indentation...].firstIndex(of: ":") else {
                let what = indentation > 0 ? "'name: value'" : "'key: value'"
                throw error(lineNumber, indentation, "expected \(what), found '\(text.trimmed)'")
            }
            let name = String(String.UnicodeScalarView(scalars[indentation..<colon])).trimmed

            if indentation > 0 {
                guard inParameters else {
                    throw error(lineNumber, indentation,
                                "unexpected indented line; only entries under 'parameters:' are indented")
                }
                guard Self.isIdentifier(name) else {
                    throw error(lineNumber, indentation,
                                "parameter name '\(name)' is not an identifier (letters, digits and '_', not starting with a digit)")
                }
                if let first = seenParameters[name] {
                    throw error(lineNumber, indentation, "duplicate parameter '\(name)' (first set on line \(first))")
                }
                seenParameters[name] = lineNumber
                let scanner = ValueScanner(scalars: scalars, start: colon + 1)
                let value = try scan(scanner, line: lineNumber).value
                frontMatter.parameters.append(Parameter(name: name, value: value, line: lineNumber))
                continue
            }

            inParameters = false
            guard FrontMatter.knownKeys.contains(name) else {
                let hint = ClosestMatch.hint(for: name, among: FrontMatter.knownKeys)
                let expected = hint.isEmpty ? " (expected one of: \(FrontMatter.knownKeys.joined(separator: ", ")))" : ""
                throw error(lineNumber, 0, "unknown front-matter key '\(name)'" + hint + expected)
            }
            if let first = seenKeys[name] {
                throw error(lineNumber, 0, "duplicate key '\(name)' (first set on line \(first))")
            }
            seenKeys[name] = lineNumber
            let scanner = ValueScanner(scalars: scalars, start: colon + 1)

            switch name {
            case "parameters":
                let rest = scanner.restStart
                guard rest == scalars.count || scalars[rest] == "#" else {
                    throw error(lineNumber, rest,
                                "'parameters:' takes indented 'name: value' lines below it, not a value on the same line")
                }
                inParameters = true
            case "seed":
                let scanned = try scan(scanner, line: lineNumber, classifying: false)
                guard let raw = scanned.bareText, raw.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw error(lineNumber, scanned.column,
                                "seed must be a non-negative integer, found \(scanned.bareText ?? scanned.value.description)")
                }
                guard let seed = UInt64(raw) else {
                    throw error(lineNumber, scanned.column,
                                "seed \(raw) is too large (at most \(UInt64.max))")
                }
                frontMatter.seed = seed
            default:
                let scanned = try scan(scanner, line: lineNumber, classifying: false)
                guard let text = scanned.stringValue else {
                    throw error(lineNumber, scanned.column, "'\(name)' must be a string, found a list")
                }
                switch name {
                case "title": frontMatter.title = text
                case "weights": frontMatter.weights = text
                case "weights2": frontMatter.weights2 = text
                case "embeddings": frontMatter.embeddings = text
                case "precision":
                    if let problem = vocabulary.precisionProblem(text) { throw error(lineNumber, scanned.column, problem) }
                    frontMatter.precision = text
                default:
                    if let problem = vocabulary.modelProblem(text) { throw error(lineNumber, scanned.column, problem) }
                    frontMatter.model = text
                }
            }
        }
        return frontMatter
    }

    /// Runs the value scanner, turning its failures into located notebook errors.
    private func scan(_ scanner: ValueScanner, line: Int, classifying: Bool = true) throws -> ValueScanner.Scanned {
        var scanner = scanner
        do {
            return try scanner.scanWholeValue(classifying: classifying)
        } catch let failure as ValueScanner.Failure {
            throw error(line, failure.position, failure.message)
        }
    }

    /// An error at a 0-based scalar position of a front-matter line.
    private func error(_ line: Int, _ position: Int, _ message: String) -> NotebookError {
        NotebookError(path: path, line: line, column: position + 1, message: message)
    }

    /// Whether `name` is an ASCII identifier: a letter or `_`, then letters, digits or `_`.
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmed: String {
        let scalars = Array(unicodeScalars)
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
