/// An in-memory zip archive of uncompressed ("stored") entries, enough for `torch.save`'s
/// layout: local headers with data, a central directory and the end record.
struct StoredZip {
    private var entries: [(name: [UInt8], data: [UInt8])] = []

    /// Appends an entry; names are stored as given (UTF-8).
    mutating func add(_ name: String, _ data: [UInt8]) {
        entries.append((Array(name.utf8), data))
    }

    /// The archive's bytes.
    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let offset = out.count
            let crc = StoredZip.crc32(entry.data)
            // Local file header (signature 0x04034B50), version 2.0, no flags, method 0.
            out.le(0x0403_4B50, 4); out.le(20, 2); out.le(0, 2); out.le(0, 2)
            out.le(0, 2); out.le(0, 2)  // time, date
            out.le(Int(crc), 4); out.le(entry.data.count, 4); out.le(entry.data.count, 4)
            out.le(entry.name.count, 2); out.le(0, 2)
            out += entry.name
            out += entry.data
            // Central directory header (0x02014B50) pointing back at the local header.
            directory.le(0x0201_4B50, 4); directory.le(20, 2); directory.le(20, 2)
            directory.le(0, 2); directory.le(0, 2); directory.le(0, 2); directory.le(0, 2)
            directory.le(Int(crc), 4); directory.le(entry.data.count, 4); directory.le(entry.data.count, 4)
            directory.le(entry.name.count, 2); directory.le(0, 2); directory.le(0, 2)
            directory.le(0, 2); directory.le(0, 2); directory.le(0, 4)  // disk, attributes
            directory.le(offset, 4)
            directory += entry.name
        }
        let directoryOffset = out.count
        out += directory
        // End of central directory record (0x06054B50), no comment.
        out.le(0x0605_4B50, 4); out.le(0, 2); out.le(0, 2)
        out.le(entries.count, 2); out.le(entries.count, 2)
        out.le(directory.count, 4); out.le(directoryOffset, 4); out.le(0, 2)
        return out
    }

    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit: inputs are small.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0xEDB8_8320)
            }
        }
        return ~crc
    }
}

private extension Array where Element == UInt8 {
    /// Appends the low `width` bytes of `value`, little-endian.
    mutating func le(_ value: Int, _ width: Int) {
        for i in 0..<width { append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }
}
