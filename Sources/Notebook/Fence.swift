/// An opening code fence: up to three spaces, then three or more backticks or tildes and
/// an optional info string (CommonMark's rules, minus containers).
struct Fence {
    /// The fence character, `` ` `` or `~`.
    let marker: Character
    /// How many fence characters open the block; the closing run must be at least as long.
    let length: Int
    /// Spaces before the fence characters.
    let indentation: Int
    /// The first word of the info string, or "" when there is none.
    let language: String

    /// Whether this fence makes a notebook cell rather than prose.
    var isSwiftCell: Bool { language == "swift" }

    /// Recognises an opening fence line, or returns nil for any other line.
    init?(opening line: ArraySlice<UInt8>) {
        var position = line.startIndex
        var indentation = 0
        while position < line.endIndex, line[position] == UInt8(ascii: " "), indentation < 4 {
            indentation += 1
            position += 1
        }
        guard indentation <= 3, position < line.endIndex else { return nil }
        let byte = line[position]
        guard byte == UInt8(ascii: "`") || byte == UInt8(ascii: "~") else { return nil }
        var length = 0
        while position < line.endIndex, line[position] == byte {
            length += 1
            position += 1
        }
        guard length >= 3 else { return nil }
        let info = line[position...]
        // A backtick fence's info string may not contain backticks (that is inline code).
        if byte == UInt8(ascii: "`"), info.contains(UInt8(ascii: "`")) { return nil }
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let word = info.drop(while: isSpace).prefix(while: { !isSpace($0) })
        self.marker = Character(Unicode.Scalar(byte))
        self.length = length
        self.indentation = indentation
        self.language = String(decoding: word, as: UTF8.self)
    }

    /// Whether `line` closes this fence: up to three spaces, at least `length` of the same
    /// character, then only spaces or tabs.
    func isClosed(by line: ArraySlice<UInt8>) -> Bool {
        guard let markerByte = marker.asciiValue else { return false }
        var position = line.startIndex
        var spaces = 0
        while position < line.endIndex, line[position] == UInt8(ascii: " ") {
            spaces += 1
            position += 1
        }
        guard spaces <= 3 else { return false }
        var run = 0
        while position < line.endIndex, line[position] == markerByte {
            run += 1
            position += 1
        }
        guard run >= length else { return false }
        return line[position...].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }
}
