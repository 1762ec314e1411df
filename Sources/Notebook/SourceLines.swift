/// A notebook's bytes split into lines, without copying: each line is a byte range.
///
/// Line ends are `\n`; a `\r` right before it is dropped so CRLF files read like LF files.
/// Splitting is one linear pass, so a single very long line costs no more than its length.
struct SourceLines {
    /// The whole file, after any UTF-8 byte-order mark.
    let bytes: [UInt8]
    /// Byte ranges of the lines' contents, line terminators excluded.
    let ranges: [Range<Int>]

    /// Splits `bytes` into lines; a final line without `\n` still counts, an empty tail does not.
    init(bytes: [UInt8]) {
        self.bytes = bytes
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        let count = bytes.count
        while index < count {
            if bytes[index] == UInt8(ascii: "\n") {
                ranges.append(start..<SourceLines.trimmingCarriageReturn(bytes, start, index))
                start = index + 1
            }
            index += 1
        }
        if start < count {
            ranges.append(start..<SourceLines.trimmingCarriageReturn(bytes, start, count))
        }
        self.ranges = ranges
    }

    /// The number of lines.
    var count: Int { ranges.count }

    /// The bytes of line `index` (0-based).
    subscript(index: Int) -> ArraySlice<UInt8> { bytes[ranges[index]] }

    /// Line `index` (0-based) decoded as text; the bytes are known to be valid UTF-8.
    func text(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// Lines `range` (0-based) joined with `\n`, after dropping up to `indentation`
    /// leading spaces from each; built in one pass over the bytes.
    func joined(_ range: Range<Int>, droppingIndentation indentation: Int = 0) -> String {
        var out: [UInt8] = []
        var reserve = 0
        for index in range { reserve += ranges[index].count + 1 }
        out.reserveCapacity(reserve)
        for index in range {
            if index != range.lowerBound { out.append(UInt8(ascii: "\n")) }
            var line = self[index]
            var dropped = 0
            while dropped < indentation, line.first == UInt8(ascii: " ") {
                line = line.dropFirst()
                dropped += 1
            }
            out.append(contentsOf: line)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether line `index` holds only spaces and tabs.
    func isBlank(_ index: Int) -> Bool {
        self[index].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    private static func trimmingCarriageReturn(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        end > start && bytes[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
    }
}
