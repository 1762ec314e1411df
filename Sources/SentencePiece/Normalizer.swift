/// SentencePiece's text normalization (normalizer.cc, `Normalizer::Normalize`), on UTF-8
/// bytes: the compiled rules (NFKC and friends), whitespace clean-up, the dummy prefix and
/// the "▁" escape, in exactly SentencePiece's order.
///
/// The order matters and is easy to get wrong:
/// - Each step takes one "prefix" of the input: the longest user-defined symbol there (kept
///   verbatim), else the longest rule (replaced), else one UTF-8 character (copied; a
///   malformed byte becomes U+FFFD and consumes one byte).
/// - Leading whitespace is dropped prefix by prefix, but only while a prefix's replacement is
///   exactly one space: a tab or a no-break space that the rules map to " " is dropped, a
///   character mapped to "" (zero-width) ends the leading run.
/// - Runs of spaces collapse because a replacement's leading spaces are dropped when the
///   output so far ends in a space. Spaces inside one replacement are not collapsed.
/// - Trailing whitespace is removed from the finished output, "▁" by "▁": this also strips a
///   "▁" that the text itself held (or the dummy prefix, when nothing else remains).
/// With remove_extra_whitespaces off, every space is kept; the dummy prefix is added either way.
struct Normalizer: Sendable {
    /// The compiled rules, or nil for identity.
    private let charsMap: PrecompiledCharsMap?
    /// The user-defined symbols, which bypass the rules (SentencePiece's `PrefixMatcher`).
    private let userDefined: PieceTrie
    /// `normalizer_spec.add_dummy_prefix`.
    private let addDummyPrefix: Bool
    /// `normalizer_spec.remove_extra_whitespaces`.
    private let removeExtraWhitespaces: Bool
    /// `normalizer_spec.escape_whitespaces`.
    private let escapeWhitespaces: Bool

    /// U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible space, in UTF-8.
    static let spaceSymbol: [UInt8] = [0xE2, 0x96, 0x81]
    /// U+FFFD, what a malformed UTF-8 byte becomes.
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]
    /// ASCII space.
    private static let space: UInt8 = 0x20

    /// The normalizer `model` describes.
    init(model: SentencePieceModel) {
        charsMap = model.charsMap
        userDefined = PieceTrie(model.pieces.enumerated()
            .filter { $0.element.type == .userDefined }
            .map { (bytes: $0.element.utf8, value: $0.offset) })
        addDummyPrefix = model.addDummyPrefix
        removeExtraWhitespaces = model.removeExtraWhitespaces
        escapeWhitespaces = model.escapeWhitespaces
    }

    /// The normalized form of `input`.
    func normalize(_ input: [UInt8]) -> [UInt8] {
        var position = 0
        if removeExtraWhitespaces {
            while position < input.count {
                let (replacement, length) = prefix(of: input, at: position)
                guard replacement.elementsEqual([Self.space]) else { break }
                position += length
            }
        }
        // Empty, or whitespace only: no dummy prefix either.
        guard position < input.count else { return [] }

        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3)
        if addDummyPrefix { appendSpace(to: &output) }
        var isPreviousSpace = removeExtraWhitespaces
        while position < input.count {
            let (replacement, length) = prefix(of: input, at: position)
            var piece = replacement[...]
            while isPreviousSpace, piece.first == Self.space { piece = piece.dropFirst() }
            if let last = piece.last {
                for byte in piece {
                    if byte == Self.space { appendSpace(to: &output) } else { output.append(byte) }
                }
                isPreviousSpace = last == Self.space
            }
            position += length
            if !removeExtraWhitespaces { isPreviousSpace = false }
        }
        if removeExtraWhitespaces {
            let space = escapeWhitespaces ? Self.spaceSymbol : [Self.space]
            while output.count >= space.count, output.suffix(space.count).elementsEqual(space) {
                output.removeLast(space.count)
            }
        }
        return output
    }

    /// Appends one space, escaped as "▁" when the model says so.
    private func appendSpace(to output: inout [UInt8]) {
        if escapeWhitespaces { output += Self.spaceSymbol } else { output.append(Self.space) }
    }

    /// The normalized form of the shortest unit at `input[start...]` and the bytes it covers
    /// (normalizer.cc, `NormalizePrefix`).
    private func prefix(of input: [UInt8], at start: Int) -> (ArraySlice<UInt8>, Int) {
        let symbol = userDefined.longestPrefix(of: input, from: start)
        if symbol > 0 { return (input[start..<(start + symbol)], symbol) }
        if let charsMap, let match = charsMap.longestMatch(in: input, from: start) {
            return (match.replacement, match.length)
        }
        guard let length = Self.validCharacterLength(input, at: start) else {
            return (Self.replacementCharacter[...], 1)
        }
        return (input[start..<(start + length)], length)
    }

    /// The length of the well-formed UTF-8 character at `input[start]`, or nil when the bytes
    /// there are malformed (a stray continuation byte, an overlong form, a surrogate, past
    /// U+10FFFF, or cut short by the end).
    static func validCharacterLength(_ input: [UInt8], at start: Int) -> Int? {
        let lead = input[start]
        if lead < 0x80 { return 1 }
        let length: Int
        let minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xC0...0xDF: (length, minimum, scalar) = (2, 0x80, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, minimum, scalar) = (3, 0x800, UInt32(lead & 0x0F))
        case 0xF0...0xF7: (length, minimum, scalar) = (4, 0x10000, UInt32(lead & 0x07))
        default: return nil
        }
        guard input.count - start >= length else { return nil }
        for k in 1..<length {
            let byte = input[start + k]
            guard byte & 0xC0 == 0x80 else { return nil }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        guard scalar >= minimum, scalar < 0xD800 || (0xE000...0x10FFFF).contains(scalar) else { return nil }
        return length
    }
}
