/// Finds the first byte that breaks UTF-8, with its line and byte column, in one pass.
///
/// Written out rather than relying on `String(validating:)` because the error must say
/// where the bad byte is, and because overlong forms, surrogates and values past U+10FFFF
/// must be refused as well.
enum UTF8Validator {
    /// Where a bad byte is: 1-based line, 1-based byte position in that line, its value.
    struct Failure: Equatable {
        let line: Int
        let column: Int
        let byte: UInt8
    }

    /// The first invalid byte of `bytes`, or nil when all of it is well-formed UTF-8.
    static func firstFailure(in bytes: [UInt8]) -> Failure? {
        var line = 1
        var lineStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                if lead == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = index + 1
                }
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0            // excludes overlong 3-byte forms
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F           // excludes UTF-16 surrogates
            case 0xF0: length = 4; low = 0x90            // excludes overlong 4-byte forms
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F           // excludes values past U+10FFFF
            default:
                return Failure(line: line, column: index - lineStart + 1, byte: lead)
            }
            for offset in 1..<length {
                let position = index + offset
                guard position < count else {
                    return Failure(line: line, column: position - lineStart + 1, byte: lead)
                }
                let byte = bytes[position]
                let (lower, upper) = offset == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= lower && byte <= upper else {
                    // The lead byte is fine on its own; the sequence breaks at this byte.
                    return Failure(line: line, column: position - lineStart + 1, byte: byte)
                }
            }
            index += length
        }
        return nil
    }
}
