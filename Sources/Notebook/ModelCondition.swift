/// A marker line of a model block: `::: {model="IF-I-*"}` opens prose shown only when the
/// notebook runs on a matching model (several names: `model="IF-I-*, trained"`), and `:::`
/// closes it.
enum ModelCondition: Equatable {
    case open([String])
    case close

    /// The marker on `line` (file line `number`), nil for any other line; a line that starts
    /// with `:::` but is not a marker, or names no model in `known`, is an error.
    /// `known` lists the names a block can match.
    init?(line: ArraySlice<UInt8>, number: Int, path: String, known: [String]) throws {
        guard line.starts(with: ":::".utf8) else { return nil }
        let text = String(decoding: line, as: UTF8.self).trimmingTrailingSpaces()
        if text == ":::" {
            self = .close
            return
        }
        let rest = text.dropFirst(3).drop { $0 == " " }
        guard rest.hasPrefix("{model=\""), rest.hasSuffix("\"}"), rest.count > "{model=\"\"}".count else {
            throw NotebookError(path: path, line: number, column: 1,
                                message: "cannot read this model block: write ::: {model=\"NAME\"} (NAME one of \(known.joined(separator: ", ")), * for any characters), and ::: alone to close it")
        }
        let list = rest.dropFirst("{model=\"".count).dropLast(2)
        let patterns = list.split(separator: ",").map { String($0).trimmingCharacters() }
        for pattern in patterns where !known.contains(where: { Prose.matches($0, pattern: pattern) }) {
            let column = (text.firstRange(of: pattern).map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) } ?? 0) + 1
            throw NotebookError(path: path, line: number, column: column,
                                message: "model block for '\(pattern)', which names no model (known: \(known.joined(separator: ", ")))")
        }
        self = .open(patterns)
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }

    func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
