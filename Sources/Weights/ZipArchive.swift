/// One file inside a zip archive, as its central-directory record describes it.
public struct ZipEntry: Sendable, Equatable {
    /// The entry's path inside the archive.
    public let name: String
    /// The compression method (0 = stored, 8 = deflate).
    public let method: Int
    /// The general-purpose flags (bit 0 = encrypted).
    public let flags: Int
    /// CRC-32 of the uncompressed bytes.
    public let crc32: UInt32
    /// Size as stored.
    public let compressedSize: Int
    /// Size once extracted.
    public let uncompressedSize: Int
    /// Where the entry's local header starts.
    public let localHeaderOffset: Int
}

/// A read-only zip archive over a memory-mapped file: the central directory is parsed and
/// checked against the file size on open; stored (uncompressed) entries are served in place.
///
/// Zip64 is handled (the end-of-directory locator and the per-entry extra field 0x0001),
/// since torch.save writes it for large checkpoints. Compression is deliberately not:
/// torch.save stores entries, and refusing deflate keeps this reader small.
public final class ZipArchive: @unchecked Sendable {
    /// The entries in central-directory order.
    public let entries: [ZipEntry]
    private let mapping: MappedFile
    private let byName: [String: Int]

    /// The path as given (used in messages).
    public var path: String { mapping.path }

    /// Opens and indexes the archive at `path`.
    public convenience init(path: String) throws {
        try self.init(mapping: MappedFile(path: path))
    }

    /// Indexes an existing mapping; the archive keeps it alive.
    public init(mapping: MappedFile) throws {
        self.mapping = mapping
        entries = try ZipArchive.readDirectory(mapping)
        var byName: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            guard byName[entry.name] == nil else {
                throw WeightsError.malformed(file: mapping.path, reason: "zip entry '\(entry.name)' appears twice")
            }
            byName[entry.name] = i
        }
        self.byName = byName
    }

    /// The entry called `name`, or nil.
    public func entry(named name: String) -> ZipEntry? {
        byName[name].map { entries[$0] }
    }

    /// The stored bytes of `entry`, checked against its CRC; valid while the archive lives.
    public func contents(of entry: ZipEntry) throws -> UnsafeRawBufferPointer {
        try contents(of: entry, checkingCRC: true)
    }

    /// The stored bytes of `entry`, checked against its CRC when `checkingCRC` (a caller
    /// that serves one entry many times checks it the first time only).
    func contents(of entry: ZipEntry, checkingCRC: Bool) throws -> UnsafeRawBufferPointer {
        func fail(_ reason: String) -> WeightsError { .malformed(file: path, reason: "zip entry '\(entry.name)': \(reason)") }
        guard entry.flags & 1 == 0 else { throw fail("is encrypted") }
        guard entry.method == 0 else {
            throw WeightsError.compressedEntry(file: path, entry: entry.name, method: entry.method)
        }
        guard entry.compressedSize == entry.uncompressedSize else { throw fail("stored sizes disagree") }
        let local = entry.localHeaderOffset
        guard local <= mapping.count - 30, mapping.littleEndian(at: local, width: 4) == 0x0403_4B50 else {
            throw fail("local header missing at byte \(local)")
        }
        let nameLength = Int(mapping.littleEndian(at: local + 26, width: 2))
        let extraLength = Int(mapping.littleEndian(at: local + 28, width: 2))
        let start = local + 30 + nameLength + extraLength
        guard start <= mapping.count, entry.compressedSize <= mapping.count - start else {
            throw fail("data runs past the end of the file (\(mapping.count) bytes)")
        }
        let data = UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<(start + entry.compressedSize)])
        if checkingCRC, CRC32.checksum(data) != entry.crc32 { throw fail("CRC-32 mismatch: the archive is corrupt") }
        return data
    }

    private static func readDirectory(_ file: MappedFile) throws -> [ZipEntry] {
        func fail(_ reason: String) -> WeightsError { .malformed(file: file.path, reason: reason) }
        let size = file.count
        guard size >= 22 else { throw fail("not a zip archive (\(size) bytes, no end-of-central-directory record)") }
        // The end record sits at the end, followed only by a comment of at most 65535 bytes.
        var eocd = -1
        var position = size - 22
        let lowest = Swift.max(0, size - 22 - 65_535)
        while position >= lowest {
            if file.littleEndian(at: position, width: 4) == 0x0605_4B50,
               position + 22 + Int(file.littleEndian(at: position + 20, width: 2)) == size {
                eocd = position
                break
            }
            position -= 1
        }
        guard eocd >= 0 else {
            throw fail("not a zip archive or truncated: no end-of-central-directory record")
        }
        var count = Int(file.littleEndian(at: eocd + 10, width: 2))
        var directorySize = Int(file.littleEndian(at: eocd + 12, width: 4))
        var directoryOffset = Int(file.littleEndian(at: eocd + 16, width: 4))
        var directoryEnd = eocd
        if eocd >= 20, file.littleEndian(at: eocd - 20, width: 4) == 0x0706_4B50 {
            let record64 = file.littleEndian(at: eocd - 12, width: 8)
            guard eocd - 20 >= 56, record64 <= UInt64(eocd - 20 - 56), file.littleEndian(at: Int(record64), width: 4) == 0x0606_4B50 else {
                throw fail("zip64 end-of-central-directory record missing")
            }
            let at = Int(record64)
            let count64 = file.littleEndian(at: at + 32, width: 8)
            let size64 = file.littleEndian(at: at + 40, width: 8)
            let offset64 = file.littleEndian(at: at + 48, width: 8)
            guard count64 <= UInt64(size), size64 <= UInt64(size), offset64 <= UInt64(size) else {
                throw fail("zip64 end-of-central-directory record declares sizes beyond the file")
            }
            count = Int(count64)
            directorySize = Int(size64)
            directoryOffset = Int(offset64)
            directoryEnd = at
        }
        guard directoryOffset <= directoryEnd, directorySize <= directoryEnd - directoryOffset else {
            throw fail("central directory (\(directorySize) bytes at \(directoryOffset)) lies outside the file")
        }
        guard count <= directorySize / 46 else {
            throw fail("central directory of \(directorySize) bytes cannot hold \(count) entries")
        }

        var entries: [ZipEntry] = []
        entries.reserveCapacity(count)
        var at = directoryOffset
        let end = directoryOffset + directorySize
        for index in 0..<count {
            guard at <= end - 46, file.littleEndian(at: at, width: 4) == 0x0201_4B50 else {
                throw fail("central directory entry \(index) is malformed")
            }
            let nameLength = Int(file.littleEndian(at: at + 28, width: 2))
            let extraLength = Int(file.littleEndian(at: at + 30, width: 2))
            let commentLength = Int(file.littleEndian(at: at + 32, width: 2))
            let next = at + 46 + nameLength + extraLength + commentLength
            guard next <= end else { throw fail("central directory entry \(index) runs past the directory") }
            let nameBytes = UnsafeRawBufferPointer(rebasing: file.bytes[(at + 46)..<(at + 46 + nameLength)])
            let name = String(decoding: nameBytes, as: UTF8.self)
            var uncompressed = file.littleEndian(at: at + 24, width: 4)
            var compressed = file.littleEndian(at: at + 20, width: 4)
            var offset = file.littleEndian(at: at + 42, width: 4)
            // Zip64 extra: the 8-byte values for exactly those fields saturated at 0xFFFFFFFF.
            var extra = at + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = file.littleEndian(at: extra, width: 2)
                let length = Int(file.littleEndian(at: extra + 2, width: 2))
                guard extra + 4 + length <= extraEnd else { throw fail("zip entry '\(name)' has a malformed extra field") }
                if id == 0x0001 {
                    var field = extra + 4
                    func take() throws -> UInt64 {
                        guard field + 8 <= extra + 4 + length else { throw fail("zip entry '\(name)' has a short zip64 extra field") }
                        defer { field += 8 }
                        return file.littleEndian(at: field, width: 8)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try take() }
                    if compressed == 0xFFFF_FFFF { compressed = try take() }
                    if offset == 0xFFFF_FFFF { offset = try take() }
                }
                extra += 4 + length
            }
            guard uncompressed <= UInt64(size), compressed <= UInt64(size), offset <= UInt64(size) else {
                throw fail("zip entry '\(name)' declares sizes beyond the file (\(size) bytes)")
            }
            entries.append(ZipEntry(
                name: name,
                method: Int(file.littleEndian(at: at + 10, width: 2)),
                flags: Int(file.littleEndian(at: at + 8, width: 2)),
                crc32: UInt32(truncatingIfNeeded: file.littleEndian(at: at + 16, width: 4)),
                compressedSize: Int(compressed),
                uncompressedSize: Int(uncompressed),
                localHeaderOffset: Int(offset)))
            at = next
        }
        return entries
    }
}
