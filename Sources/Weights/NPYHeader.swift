/// The header of a .npy file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NPYHeader {
    let descr: String
    let fortranOrder: Bool
    let shape: [Int]

    private enum Literal {
        case string(String), bool(Bool), tuple([Int])
    }

    /// Parses the dict text; `fail` builds the error for a reason.
    init(text: String, fail: (String) -> WeightsError) throws {
        var scanner = Scanner(characters: Array(text))
        var fields: [String: Literal] = [:]
        scanner.skipSpaces()
        guard scanner.take("{") else { throw fail("header is not a Python dict literal") }
        while true {
            scanner.skipSpaces()
            if scanner.take("}") { break }
            guard let key = scanner.quoted() else { throw fail("header is not a Python dict literal") }
            scanner.skipSpaces()
            guard scanner.take(":") else { throw fail("header is not a Python dict literal") }
            scanner.skipSpaces()
            if let text = scanner.quoted() {
                fields[key] = .string(text)
            } else if scanner.take("True") {
                fields[key] = .bool(true)
            } else if scanner.take("False") {
                fields[key] = .bool(false)
            } else if scanner.take("(") {
                var dims: [Int] = []
                while true {
                    scanner.skipSpaces()
                    if scanner.take(")") { break }
                    guard let dim = scanner.integer() else { throw fail("header 'shape' is not a tuple of integers") }
                    dims.append(dim)
                    scanner.skipSpaces()
                    if scanner.take(")") { break }
                    guard scanner.take(",") else { throw fail("header 'shape' is not a tuple of integers") }
                }
                fields[key] = .tuple(dims)
            } else {
                throw fail("header value for '\(key)' is not understood")
            }
            scanner.skipSpaces()
            if scanner.take("}") { break }
            guard scanner.take(",") else { throw fail("header is not a Python dict literal") }
        }
        guard case let .string(descr)? = fields["descr"] else { throw fail("header has no 'descr'") }
        guard case let .bool(fortran)? = fields["fortran_order"] else { throw fail("header has no 'fortran_order'") }
        guard case let .tuple(shape)? = fields["shape"] else { throw fail("header has no 'shape'") }
        self.descr = descr
        self.fortranOrder = fortran
        self.shape = shape
    }

    /// The header dict as numpy writes it (keys sorted, trailing comma and space).
    static func text(descr: String, shape: [Int]) -> String {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        return "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }"
    }

    private struct Scanner {
        let characters: [Character]
        var position = 0

        mutating func skipSpaces() {
            while position < characters.count, characters[position].isWhitespace { position += 1 }
        }

        mutating func take(_ literal: String) -> Bool {
            let wanted = Array(literal)
            guard position + wanted.count <= characters.count,
                  Array(characters[position..<(position + wanted.count)]) == wanted else { return false }
            position += wanted.count
            return true
        }

        mutating func quoted() -> String? {
            guard position < characters.count, characters[position] == "'" || characters[position] == "\"" else { return nil }
            let quote = characters[position]
            var end = position + 1
            while end < characters.count, characters[end] != quote { end += 1 }
            guard end < characters.count else { return nil }
            let text = String(characters[(position + 1)..<end])
            position = end + 1
            return text
        }

        mutating func integer() -> Int? {
            var end = position
            while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
            guard end > position, let value = Int(String(characters[position..<end])) else { return nil }
            position = end
            if position < characters.count, characters[position] == "L" { position += 1 }  // Python 2 longs
            return value
        }
    }
}
