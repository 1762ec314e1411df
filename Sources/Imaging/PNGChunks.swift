/// Chunk-level edits of PNG bytes made before libpng sees them.
enum PNGChunks {
    /// Chunks describing gamma or colour space. libpng's simplified reader would use them to
    /// convert samples; noisebook wants the stored samples, so they are dropped.
    static let colorSpaceChunks: Set<String> = ["gAMA", "sRGB", "iCCP", "cHRM", "cICP"]

    /// `bytes` without gamma and colour-space chunks. Anything that does not parse as a chunk
    /// sequence is returned unchanged, so libpng reports the damage in its own words.
    static func removingColorSpace(_ bytes: [UInt8]) -> [UInt8] {
        let signatureLength = 8
        var offset = signatureLength
        var kept = [UInt8]()
        kept.reserveCapacity(bytes.count)
        kept.append(contentsOf: bytes.prefix(signatureLength))
        var removedAny = false
        while offset + 12 <= bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16
                | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let total = 12 + length  // length, type, data, CRC
            guard length <= Int(Int32.max), offset + total <= bytes.count else { return bytes }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            if colorSpaceChunks.contains(type) {
                removedAny = true
            } else {
                kept.append(contentsOf: bytes[offset..<(offset + total)])
            }
            offset += total
            if type == "IEND" { break }
        }
        guard removedAny else { return bytes }
        kept.append(contentsOf: bytes[offset...])
        return kept
    }
}
