/// SentencePiece's compiled normalization rules (`NormalizerSpec.precompiled_charsmap`): a
/// Darts-clone double-array trie whose keys are UTF-8 byte strings to replace and whose
/// values are offsets of their NUL-terminated replacements.
///
/// Layout (normalizer.cc, `DecodePrecompiledCharsMap`): a uint32 little-endian byte size of
/// the trie, the trie as little-endian uint32 units, then the replacement strings.
///
/// The whole trie is walked once at load (each unit once, so even a damaged array whose
/// offsets loop is walked in bounded time): every reachable leaf must lie inside the array
/// and point at a replacement that ends in a NUL before the end of the blob. After that, lookups cannot leave the array; they are still
/// bounds-checked, so even a bug here cannot read out of bounds.
struct PrecompiledCharsMap: Sendable {
    /// The double array's units.
    private let units: [UInt32]
    /// The replacement strings, each ended by a NUL.
    private let replacements: [UInt8]

    /// SentencePiece looks at no more than this many matches per position
    /// (`Normalizer::kMaxTrieResultsSize`); its rule compiler keeps every key within it, and
    /// the same cap here keeps the results identical even for a file that does not.
    static let maxResults = 32

    /// Decodes and validates `blob`; errors name `file`.
    init(blob: [UInt8], file: String) throws {
        func refuse(_ reason: String) -> SentencePieceError {
            .malformed(file: file, reason: "precompiled_charsmap: \(reason)")
        }
        guard blob.count > 4 else { throw refuse("\(blob.count) bytes is too short for a trie") }
        let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        // The trie must fit after the header and leave room for replacements. (Up to 0.2.1,
        // normalizer.cc compared the size with the whole blob, header included, and could
        // read 4 bytes past its end; 0.2.3 checks as here.)
        guard trieSize < blob.count - 4 else {
            throw refuse("the trie's size \(trieSize) runs past the end (\(blob.count - 4) bytes follow the size)")
        }
        // Darts-clone arrays grow in blocks of 256 units (1024 bytes); sentencepiece 0.2.3
        // refuses any other size, and so does this reader.
        guard trieSize >= 1024, trieSize % 1024 == 0 else {
            throw refuse("the trie's size \(trieSize) is not a positive multiple of 1024")
        }
        var units = [UInt32](repeating: 0, count: trieSize / 4)
        for i in 0..<units.count {
            let at = 4 + 4 * i
            units[i] = UInt32(blob[at]) | UInt32(blob[at + 1]) << 8
                | UInt32(blob[at + 2]) << 16 | UInt32(blob[at + 3]) << 24
        }
        self.units = units
        self.replacements = Array(blob[(4 + trieSize)...])
        if let damage = validate() { throw refuse(damage) }
    }

    // The Darts-clone unit encoding (darts.h, `DoubleArrayUnit`).

    /// Whether a leaf (value) unit hangs off this unit.
    private static func hasLeaf(_ unit: UInt32) -> Bool { (unit >> 8) & 1 == 1 }
    /// A leaf unit's value: here, an offset into `replacements`.
    private static func value(_ unit: UInt32) -> Int { Int(unit & 0x7FFF_FFFF) }
    /// The byte that leads to this unit; a leaf's label has the top bit set, so it never
    /// equals a byte and a leaf is never taken for a child.
    private static func label(_ unit: UInt32) -> UInt32 { unit & (0x8000_0000 | 0xFF) }
    /// The distance (by XOR) from this unit to its children.
    private static func offset(_ unit: UInt32) -> Int {
        Int((unit >> 10) << ((unit & (1 << 9)) >> 6))
    }

    /// Walks every reachable unit; returns what is wrong, or nil when the trie is sound.
    private func validate() -> String? {
        var seen = [Bool](repeating: false, count: units.count)
        seen[0] = true
        var pending = [Self.offset(units[0])]
        while let base = pending.popLast() {
            for byte in 0..<256 {
                let position = base ^ byte
                guard position < units.count else { continue }
                let unit = units[position]
                guard Self.label(unit) == UInt32(byte) else { continue }
                // Darts-clone builds from a DAWG, so common suffixes share units: a unit seen
                // before was checked then. Visiting each unit once also ends the walk on a
                // damaged array whose offsets form a cycle.
                guard !seen[position] else { continue }
                seen[position] = true
                let children = position ^ Self.offset(unit)
                if Self.hasLeaf(unit) {
                    guard children < units.count else {
                        return "trie unit \(position) has its value at unit \(children), past the end (\(units.count) units)"
                    }
                    let start = Self.value(units[children])
                    guard start < replacements.count, replacements[start...].contains(0) else {
                        return "trie unit \(position) points at replacement \(start), which has no end within \(replacements.count) bytes"
                    }
                }
                pending.append(children)
            }
        }
        return nil
    }

    /// The longest rule matching a prefix of `input[from...]`: how many bytes it covers and
    /// its replacement, or nil when no rule matches.
    func longestMatch(in input: [UInt8], from start: Int) -> (length: Int, replacement: ArraySlice<UInt8>)? {
        var position = Self.offset(units[0])
        var found: (length: Int, value: Int)?
        var results = 0
        var index = start
        while index < input.count {
            let byte = input[index]
            position ^= Int(byte)
            guard position < units.count else { break }
            let unit = units[position]
            guard Self.label(unit) == UInt32(byte) else { break }
            position ^= Self.offset(unit)
            index += 1
            if Self.hasLeaf(unit) {
                guard position < units.count else { break }
                results += 1
                // Matches come shortest first; the last of the first `maxResults` is longest.
                if results <= Self.maxResults { found = (index - start, Self.value(units[position])) }
            }
        }
        guard let (length, value) = found, value < replacements.count else { return nil }
        let end = replacements[value...].firstIndex(of: 0) ?? replacements.count
        return (length, replacements[value..<end])
    }
}
